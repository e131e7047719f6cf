// Project assets in R2: which files are accepted, how an upload streams into the bucket, and how a
// download answers Range. The metadata rows are in Postgres (src/projects/asset-queries.ts).
//
// - Keys are `projects/assets/<upload id>`: a fresh UUIDv7 per upload, never reused and never
//   overwritten, so nothing a client sends reaches a key and an object never changes under its
//   key (its content is named by the row's SHA-256; long-lived caching is safe).
// - Accepted types come from an allowlist of formats this file can recognise by their first bytes;
//   the body must start like its declared type, so nothing that a browser would run as HTML or
//   SVG is ever stored, whatever Content-Type a client claims.
import { z } from 'zod';
import { type Bindings, emptyToUndefined, parse, section } from '../config.ts';
import { ApiError, badRequest } from '../lib/problem.ts';

export const ASSET_KEY_PREFIX = 'projects/assets/';
export const assetKey = (uploadId: string) => `${ASSET_KEY_PREFIX}${uploadId}`;

/** When the key's upload started (its UUIDv7's milliseconds), for the sweep's grace period. */
export function uploadStartedAt(key: string): number {
  const hex = key.slice(ASSET_KEY_PREFIX.length).replaceAll('-', '').slice(0, 12);
  return Number.parseInt(hex, 16);
}

/** Stored with every object: what an R2 custom domain serves it with (README, "Edge"). */
export const IMMUTABLE_CACHE_CONTROL = 'public, max-age=31536000, immutable';

/** The formats an asset may have, each with the bytes its files start with (null: any byte). */
const SIGNATURES = {
  'image/png': [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
  'image/jpeg': [0xff, 0xd8, 0xff],
  'image/webp': [0x52, 0x49, 0x46, 0x46, null, null, null, null, 0x57, 0x45, 0x42, 0x50],
  'application/pdf': [0x25, 0x50, 0x44, 0x46, 0x2d],
} as const satisfies Record<string, readonly (number | null)[]>;

export type AssetType = keyof typeof SIGNATURES;
export const ASSET_TYPES = Object.keys(SIGNATURES) as AssetType[];

function startsLike(type: AssetType, head: Uint8Array): boolean {
  const signature = SIGNATURES[type];
  return head.byteLength >= signature.length && signature.every((byte, i) => byte === null || head[i] === byte);
}

/** Optional variables; `wrangler types` cannot see them, hence declared here. */
interface AssetVariables {
  /** Largest upload in bytes; default 5 MiB. */
  PROJECT_ASSET_MAX_BYTES?: string;
  /** Comma-separated subset of ASSET_TYPES; default all of them. */
  PROJECT_ASSET_TYPES?: string;
}

export const DEFAULT_MAX_ASSET_BYTES = 5 * 1024 * 1024;
// An upload without Content-Length is held in memory until it ends (src/middleware/body-limit.ts).
const MAX_ASSET_BYTES_LIMIT = 32 * 1024 * 1024;

const assetSchema = () =>
  z.object({
    PROJECT_ASSET_MAX_BYTES: z.coerce.number().int().min(1).max(MAX_ASSET_BYTES_LIMIT).default(DEFAULT_MAX_ASSET_BYTES),
    PROJECT_ASSET_TYPES: z
      .string()
      .transform((value) => value.split(',').map((type) => type.trim().toLowerCase()))
      .pipe(z.array(z.enum(ASSET_TYPES as [AssetType, ...AssetType[]])).min(1))
      .default(ASSET_TYPES),
  });

export interface AssetConfig {
  maxBytes: number;
  types: ReadonlySet<AssetType>;
}

/** The upload limits of this environment, validated once per isolate (src/config.ts). */
export const assetConfig = section((env): AssetConfig => {
  const vars = env as Bindings & AssetVariables;
  const parsed = parse(assetSchema(), {
    PROJECT_ASSET_MAX_BYTES: emptyToUndefined(vars.PROJECT_ASSET_MAX_BYTES),
    PROJECT_ASSET_TYPES: emptyToUndefined(vars.PROJECT_ASSET_TYPES),
  });
  return { maxBytes: parsed.PROJECT_ASSET_MAX_BYTES, types: new Set(parsed.PROJECT_ASSET_TYPES) };
});

/** The declared type, if this environment accepts it; anything else is a 415. */
export function acceptedType(contentType: string | undefined, config: AssetConfig): AssetType {
  const essence = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (config.types.has(essence as AssetType)) return essence as AssetType;
  throw new ApiError('unsupported-media-type', `Send one of ${[...config.types].join(', ')} as Content-Type.`);
}

export interface StoredUpload {
  sha256: string;
  size: number;
}

/**
 * Streams `body` (exactly `length` bytes) into the bucket under `key`, checking on the way that it
 * starts like `type` and hashing it. On any failure nothing is left under `key`.
 */
export async function putUpload(
  bucket: R2Bucket,
  key: string,
  upload: { body: ReadableStream<Uint8Array>; length: number; type: AssetType },
): Promise<StoredUpload> {
  const { body, length, type } = upload;
  if (length === 0) throw badRequest('The body is empty.');
  const signatureLength = SIGNATURES[type].length;
  const notThisType = () => new ApiError('unsupported-media-type', `The body is not a ${type} file.`);
  if (length < signatureLength) throw notThisType();

  const digest = new crypto.DigestStream('SHA-256');
  const hash = digest.getWriter();
  const sized = new FixedLengthStream(length);
  const out = sized.writable.getWriter();
  const stored = bucket.put(key, sized.readable, {
    httpMetadata: { contentType: type, cacheControl: IMMUTABLE_CACHE_CONTROL },
  });
  // Awaited below, after the body; a failure meanwhile is not an unhandled rejection.
  stored.catch(() => {});
  const reader = body.getReader();
  let head = new Uint8Array(0);
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > length) throw badRequest('The body is longer than its Content-Length.');
      if (head.byteLength < signatureLength) {
        const taken = new Uint8Array(Math.min(signatureLength, head.byteLength + value.byteLength));
        taken.set(head);
        taken.set(value.subarray(0, taken.byteLength - head.byteLength), head.byteLength);
        head = taken;
        if (head.byteLength === signatureLength && !startsLike(type, head)) throw notThisType();
      }
      await Promise.all([hash.write(value), out.write(value)]);
    }
    if (size < length) throw badRequest('The body ended before its Content-Length.');
    await Promise.all([out.close(), hash.close()]);
    await stored;
  } catch (error) {
    // Aborting the stream fails the put: nothing is stored. (Locally, miniflare's R2 logs the
    // aborted upload as "Can't read from request stream because client disconnected".)
    await Promise.allSettled([reader.cancel(), out.abort(error), stored]);
    await bucket.delete(key);
    throw error;
  }
  return { sha256: hex(await digest.digest), size };
}

/** Deletes objects, at most 1,000 per call as R2 allows. */
export async function deleteObjects(bucket: R2Bucket, keys: string[]): Promise<void> {
  for (let start = 0; start < keys.length; start += 1_000) await bucket.delete(keys.slice(start, start + 1_000));
}

function hex(bytes: ArrayBuffer): string {
  return [...new Uint8Array(bytes)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * The one byte range a Range header asks of `size` bytes (RFC 9110 §14.1.2), 'unsatisfiable'
 * (416), or null: no Range, one this server ignores (several ranges, other units, malformed),
 * answered with the whole body as the RFC allows.
 */
export function byteRange(
  header: string | undefined,
  size: number,
): { offset: number; length: number } | 'unsatisfiable' | null {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header?.trim() ?? '');
  if (!match) return null;
  const [, first, last] = match as unknown as [string, string, string];
  if (first === '' && last === '') return null;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0) return 'unsatisfiable';
    const offset = Math.max(0, size - suffix);
    return { offset, length: size - offset };
  }
  const offset = Number(first);
  if (last !== '' && Number(last) < offset) return null;
  if (offset >= size) return 'unsatisfiable';
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  return { offset, length: end - offset + 1 };
}
