import { z } from '@hono/zod-openapi';
import { describe, expect, it } from 'vitest';

describe('zod in the Worker', () => {
  it('is the bundle’s zod, without translations, still answering in English', () => {
    expect(Object.keys(z.locales)).toEqual([]);
    expect(Object.keys(z.core.locales)).toEqual([]);
    const result = z.strictObject({ name: z.string().max(3) }).safeParse({ name: 'four', extra: 1 });
    expect(result.error?.issues.map((issue) => issue.message)).toEqual([
      'Too big: expected string to have <=3 characters',
      'Unrecognized key: "extra"',
    ]);
  });
});
