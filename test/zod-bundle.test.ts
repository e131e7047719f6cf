// The zod the Worker runs (src/lib/zod-slim.js, through wrangler.toml's [alias] and Vitest's):
// without the members the Worker never calls, and still answering in English.
import { z } from '@hono/zod-openapi';
import { describe, expect, it } from 'vitest';

describe('zod in the Worker', () => {
  it('is the bundle’s zod: no translations, no compiler, no fromJSONSchema', () => {
    expect(Object.keys(z.locales)).toEqual([]);
    expect(Object.keys(z.core.locales)).toEqual([]);
    expect([z.compile, z.core.compile, z.fromJSONSchema]).toEqual([undefined, undefined, undefined]);
  });

  it('still answers in English', () => {
    const result = z.strictObject({ name: z.string().max(3) }).safeParse({ name: 'four', extra: 1 });
    expect(result.error?.issues.map((issue) => issue.message)).toEqual([
      'Too big: expected string to have <=3 characters',
      'Unrecognized key: "extra"',
    ]);
  });

  it('still extends zod for OpenAPI (@hono/zod-openapi patches the same classes the app uses)', () => {
    expect(z.string().openapi({ example: 'x' }).parse('x')).toBe('x');
  });
});
