// The projects contract: request validation and response shapes, also the source of the
// OpenAPI document (src/openapi/). Unknown fields are rejected; every string is bounded.
import { z } from '@hono/zod-openapi';
import { storableText } from '../lib/validation.ts';
import { decodeCursor } from './cursor.ts';

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

const name = storableText(200).regex(/\S/, 'Must not be blank.').openapi({ example: 'Launch plan' });
const description = storableText(2000).nullable().openapi({ example: 'Everything for the spring launch.' });

export const createProjectBody = z.strictObject({ name, description: description.optional() }).openapi('CreateProject');

export type CreateProjectBody = z.infer<typeof createProjectBody>;

export const updateProjectBody = z
  .strictObject({ name: name.optional(), description: description.optional() })
  .refine((body) => body.name !== undefined || body.description !== undefined, 'Send name, description or both.')
  .openapi('UpdateProject');

export type UpdateProjectBody = z.infer<typeof updateProjectBody>;

export const projectIdParams = z.strictObject({
  id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }),
});

export const listProjectsQuery = z.strictObject({
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

export const projectPageSchema = z
  .strictObject({
    data: z.array(projectSchema),
    nextCursor: z.string().nullable().openapi({ description: 'Pass as `cursor` for the next page; null on the last.' }),
  })
  .openapi('ProjectPage');

export const createProjectHeaders = z.object({
  'idempotency-key': z
    .string()
    .min(1)
    .max(255)
    .regex(/^[\x21-\x7e]+$/, 'Must be 1 to 255 visible ASCII characters.')
    .optional()
    .openapi({
      param: { in: 'header' },
      description: 'Retries with the same key and body return the original 201 for 24 hours.',
      example: 'c3b1e8f0-4c1e-4d1b-9a57-1f0b7c6e2a10',
    }),
});

export const ifMatchHeaders = z.object({
  'if-match': z
    .string()
    .max(1024)
    .optional()
    .openapi({
      param: { in: 'header' },
      description: 'The ETag you read; the request fails with 412 if the project changed since.',
      example: '"3"',
    }),
});
