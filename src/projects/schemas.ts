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

// Publication and the public read model (src/projects/public-page.ts): the slug names a published
// project at /p/{slug}. Written in any case, stored and served in lower case; ASCII only, checked
// before lower-casing (so no other character can lower-case into one, e.g. the Kelvin sign into k).
const SLUG = /^[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*$/;
const slug = z
  .string()
  .min(3)
  .max(63)
  .regex(SLUG, 'Letters, digits and single hyphens between them.')
  .openapi({ example: 'launch-plan', description: '3 to 63 letters, digits and hyphens; stored in lower case.' });

/** The stored form of a slug that passed `slug`. */
export const normalisedSlug = (value: string) => value.toLowerCase();

export const publishBody = z.strictObject({ slug }).openapi('PublishProject');

export const publicationSchema = z
  .strictObject({
    slug: z.string().openapi({ example: 'launch-plan' }),
    publishedAt: z.iso.datetime(),
    href: z.string().openapi({ example: '/p/launch-plan' }),
  })
  .openapi('Publication');

export type Publication = z.infer<typeof publicationSchema>;

export const publicPageParams = z.strictObject({ slug: slug.openapi({ param: { name: 'slug', in: 'path' } }) });

// Asset names: one path segment of plain characters, so no name can climb (`..`), nest (`/`),
// hide (a leading dot) or carry NUL; they never reach an R2 key (src/projects/assets.ts).
const ASSET_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9_-]|\.(?!\.))*$/;
const assetName = z
  .string()
  .min(1)
  .max(100)
  .regex(ASSET_NAME, 'Letters, digits, `-`, `_` and single dots; starting with a letter or digit.')
  .openapi({ example: 'cover.png' });

export const assetParams = z.strictObject({
  id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }),
  name: assetName.openapi({ param: { name: 'name', in: 'path' } }),
});

export const publicAssetParams = z.strictObject({
  slug: slug.openapi({ param: { name: 'slug', in: 'path' } }),
  name: assetName.openapi({ param: { name: 'name', in: 'path' } }),
});

const sha256 = z
  .string()
  .regex(/^[0-9a-f]{64}$/)
  .openapi({ example: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08' });

// Not strict: public links pick up parameters on the way (analytics, sharing) that change nothing.
export const publicAssetQuery = z.object({
  v: sha256.optional().openapi({
    param: { name: 'v', in: 'query' },
    description: 'The SHA-256 the page lists: that content only (404 once replaced), cached as immutable.',
  }),
});

export const assetSchema = z
  .strictObject({
    name: z.string().openapi({ example: 'cover.png' }),
    contentType: z.string().openapi({ example: 'image/png' }),
    size: z.int().openapi({ description: 'Bytes.', example: 48213 }),
    sha256,
    uploadedAt: z.iso.datetime(),
  })
  .openapi('Asset');

export type Asset = z.infer<typeof assetSchema>;

export const publicPageSchema = z
  .strictObject({
    slug: z.string().openapi({ example: 'launch-plan' }),
    name: z.string(),
    description: z.string().nullable(),
    publishedAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    assets: z.array(
      z
        .strictObject({
          name: z.string(),
          contentType: z.string(),
          size: z.int(),
          sha256,
          href: z.string().openapi({ example: '/p/launch-plan/assets/cover.png?v=9f86d0...' }),
        })
        .openapi('PublicAsset'),
    ),
  })
  .openapi('PublicPage', { description: 'What anyone may read about a published project; nothing else.' });

export type PublicPage = z.infer<typeof publicPageSchema>;
