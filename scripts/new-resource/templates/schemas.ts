// src/<name>/schemas.ts: the resource's zod contract, also its part of the OpenAPI document.
import type { ResourceNames } from '../names.ts';

export function schemasTs(n: ResourceNames): string {
  const { pascal: P, camel } = n;
  return `// The ${n.words} contract: request validation and response shapes, also the source of the
// OpenAPI document. Unknown fields are rejected; every string is bounded.
import { z } from '@hono/zod-openapi';
import { pageSchema } from '../lib/cursor.ts';
import { storableText } from '../lib/validation.ts';

export const ${camel}Schema = z
  .strictObject({
    id: z.uuid().openapi({ example: '01967a3c-5b2e-7d4f-8a1b-2c3d4e5f6a7b' }),
    name: z.string(),
    description: z.string().nullable(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi('${P}');

export type ${P} = z.infer<typeof ${camel}Schema>;

const name = storableText(200).regex(/\\S/, 'Must not be blank.').openapi({ example: 'First ${n.singularWords}' });
const description = storableText(2000).nullable().openapi({ example: 'What this ${n.singularWords} is for.' });

export const create${P}Body = z.strictObject({ name, description: description.optional() }).openapi('Create${P}');

export const update${P}Body = z
  .strictObject({ name: name.optional(), description: description.optional() })
  .refine((body) => body.name !== undefined || body.description !== undefined, 'Send name, description or both.')
  .openapi('Update${P}');

export const ${camel}IdParams = z.strictObject({
  id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }),
});

export const ${camel}PageSchema = pageSchema(${camel}Schema, '${P}Page');
`;
}
