// The projects contract: request validation and response shapes, also the source of the
// OpenAPI document. Unknown fields are rejected; every string is bounded.
import { z } from '@hono/zod-openapi';
import { pageSchema } from '../lib/cursor.ts';
import { storableText } from '../lib/validation.ts';

export const projectSchema = z
  .strictObject({
    id: z.uuid().openapi({ example: '01967a3c-5b2e-7d4f-8a1b-2c3d4e5f6a7b' }),
    name: z.string(),
    description: z.string().nullable(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi('Project');

export type Project = z.infer<typeof projectSchema>;

const name = storableText(200).regex(/\S/, 'Must not be blank.').openapi({ example: 'First project' });
const description = storableText(2000).nullable().openapi({ example: 'What this project is for.' });

export const createProjectBody = z.strictObject({ name, description: description.optional() }).openapi('CreateProject');

export const updateProjectBody = z
  .strictObject({ name: name.optional(), description: description.optional() })
  .refine((body) => body.name !== undefined || body.description !== undefined, 'Send name, description or both.')
  .openapi('UpdateProject');

export const projectIdParams = z.strictObject({
  id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }),
});

export const projectPageSchema = pageSchema(projectSchema, 'ProjectPage');
