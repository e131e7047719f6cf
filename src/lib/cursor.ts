// Keyset pages on the UUIDv7 id. Cursors are opaque: the last id of a page as 22 base64url
// characters. Clients pass them back unchanged; only this module knows what is inside, so the
// encoding can change.
import { z } from '@hono/zod-openapi';

const UUID = /^([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})$/i;

export function encodeCursor(id: string): string {
  const match = UUID.exec(id);
  if (!match) throw new Error(`not a uuid: ${id}`);
  return Buffer.from(match.slice(1).join(''), 'hex').toString('base64url');
}

/** The id inside a cursor, or undefined when the value is not a cursor this module made. */
export function decodeCursor(cursor: string): string | undefined {
  const bytes = Buffer.from(cursor, 'base64url');
  // Buffer skips characters it cannot decode: only the canonical encoding counts.
  if (bytes.length !== 16 || bytes.toString('base64url') !== cursor) return undefined;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** `?limit=&cursor=` of a keyset page, `cursor` decoded to the id it holds. */
export const pageQuery = z.strictObject({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .default(20)
    .openapi({ param: { name: 'limit', in: 'query' }, description: 'Page size.' }),
  cursor: z
    .string()
    .max(64)
    .transform((value, ctx) => {
      const id = decodeCursor(value);
      if (id === undefined) ctx.addIssue({ code: 'custom', message: 'Not a cursor from this API.' });
      return id ?? '';
    })
    .optional()
    .openapi({ param: { name: 'cursor', in: 'query' }, description: '`nextCursor` of the previous page.' }),
});

/** `{data, nextCursor}`: a page of `item`, registered in the OpenAPI document as `name`. */
export function pageSchema<T extends z.ZodType>(item: T, name: string) {
  return z
    .strictObject({
      data: z.array(item),
      nextCursor: z
        .string()
        .nullable()
        .openapi({ description: 'Pass as `cursor` for the next page; null on the last.' }),
    })
    .openapi(name);
}

/** The page of `rows` (fetched with limit + 1), and the cursor of the next one. */
export function toPage<R extends { id: string }, T>(rows: R[], limit: number, toItem: (row: R) => T) {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { data: page.map(toItem), nextCursor: rows.length > limit && last ? encodeCursor(last.id) : null };
}
