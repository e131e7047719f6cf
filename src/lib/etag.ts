// ETags: for optimistic concurrency, the row's `version` as a strong entity tag and the If-Match
// header that sends it back; for caching, If-None-Match.
import { z } from '@hono/zod-openapi';

export function etag(version: number): string {
  return `"${version}"`;
}

/**
 * The versions an If-Match header accepts: 'any' for `*` or no header, else the strong tags
 * it lists. Weak and malformed tags never match (RFC 9110 §13.1.1: If-Match compares strongly).
 */
export function ifMatchVersions(header: string | undefined): number[] | 'any' {
  if (header === undefined || header.trim() === '*') return 'any';
  return header
    .split(',')
    .map((tag) => /^"(\d{1,9})"$/.exec(tag.trim())?.[1])
    .filter((version) => version !== undefined)
    .map(Number);
}

export const ifMatchHeaders = z.object({
  'if-match': z
    .string()
    .max(1024)
    .optional()
    .openapi({
      param: { in: 'header' },
      description: 'The ETag you read; the request fails with 412 if the resource changed since.',
      example: '"3"',
    }),
});

/** The `ETag` response header, documented. */
export const etagHeader = z.object({
  ETag: z.string().openapi({ description: 'The version, for If-Match.', example: '"1"' }),
});

/**
 * Whether an If-None-Match header names `current` (or is `*`): the client's copy is current, so
 * a GET answers 304. Weak comparison, as RFC 9110 §13.1.2 asks: `W/"1"` matches `"1"`.
 */
export function ifNoneMatchHits(header: string | undefined, current: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => opaque(tag) === opaque(current));
}

export const ifNoneMatchHeaders = z.object({
  'if-none-match': z
    .string()
    .max(1024)
    .optional()
    .openapi({
      param: { in: 'header' },
      description: 'ETags of copies you hold: 304 when one is current.',
      example: '"7"',
    }),
});
