// Publishing a project, and its public page. PUT and DELETE /v1/projects/{id}/publication follow
// the rules of DELETE /v1/projects/{id} (an organization's project needs org:admin); Postgres is
// the truth and KV hears of every change after it commits. GET /p/{slug} needs no session and is
// served from KV: a hit costs no database round trip, a miss one (src/projects/public-page.ts).
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { afterResponse } from '../lib/after-response.ts';
import { ifNoneMatchHeaders, ifNoneMatchHits } from '../lib/etag.ts';
import { requireDeleteRights } from '../lib/owned-resource.ts';
import { ApiError, notFound } from '../lib/problem.ts';
import { database } from '../middleware/database.ts';
import { problemResponses } from '../openapi/problems.ts';
import { authenticatedRoute, json } from '../openapi/route.ts';
import type { AppEnv } from '../types.ts';
import { loadPage, PAGE_CACHE_CONTROL, pageEtag, publicPage, recordChange, recordUnpublished } from './public-page.ts';
import { publishProject, unpublishProject } from './publication-queries.ts';
import { PROJECTS } from './queries.ts';
import {
  normalisedSlug,
  type Publication,
  projectIdParams,
  publicationSchema,
  publicPageParams,
  publicPageSchema,
  publishBody,
} from './schemas.ts';

const noSuchProject = () => notFound('No such project.');

const publishRoute = authenticatedRoute({
  method: 'put',
  path: '/v1/projects/{id}/publication',
  tags: ['Projects'],
  summary: 'Publish a project at /p/{slug}',
  description:
    'Publishes the project, or moves it to another slug. Slugs are unique and case-insensitive (stored in lower case). Organization projects need the `org:admin` role.',
  request: { params: projectIdParams, body: { required: true, content: json(publishBody) } },
  responses: {
    200: { description: 'Published.', content: json(publicationSchema) },
    ...problemResponses('validation-failed', 'forbidden', 'not-found', 'conflict'),
  },
});

const unpublishRoute = authenticatedRoute({
  method: 'delete',
  path: '/v1/projects/{id}/publication',
  tags: ['Projects'],
  summary: 'Unpublish a project',
  description: 'Its page answers 404 from then on. Organization projects need the `org:admin` role.',
  request: { params: projectIdParams },
  responses: {
    204: { description: 'Not published (any more).' },
    ...problemResponses('validation-failed', 'forbidden', 'not-found'),
  },
});

const cacheHeaders = z.object({
  ETag: z.string().openapi({ description: 'The page’s version.', example: '"7"' }),
  'Cache-Control': z.string().openapi({ example: PAGE_CACHE_CONTROL }),
});

const publicPageRoute = createRoute({
  method: 'get',
  path: '/p/{slug}',
  tags: ['Public pages'],
  summary: 'A published project',
  description: 'No session needed. Served from KV; Postgres is read on a miss only.',
  security: [],
  middleware: [database] as const,
  request: { params: publicPageParams, headers: ifNoneMatchHeaders },
  responses: {
    200: { description: 'The public page.', headers: cacheHeaders, content: json(publicPageSchema) },
    304: { description: 'Your copy (If-None-Match) is current.', headers: cacheHeaders },
    ...problemResponses('validation-failed', 'not-found', 'database-unavailable'),
  },
});

export const publicationRoutes = new OpenAPIHono<AppEnv>()
  .openapi(publishRoute, async (c) => {
    const { caller, db } = c.var;
    const { id } = c.req.valid('param');
    const slug = normalisedSlug(c.req.valid('json').slug);
    const owner = await requireDeleteRights(db, PROJECTS, caller, id);
    const outcome = await publishProject(db, owner, id, slug);
    if (outcome.kind === 'not-found') throw noSuchProject();
    if (outcome.kind === 'taken') throw new ApiError('conflict', `Another project is published at /p/${slug}.`);
    const kv = c.env.PROJECT_PAGES;
    afterResponse(c, 'publication to KV', async () => {
      await recordChange(kv, slug, outcome.version);
      if (outcome.previousSlug && outcome.previousSlug !== slug) {
        await recordUnpublished(kv, outcome.previousSlug, outcome.version);
      }
    });
    const publication: Publication = { slug, publishedAt: outcome.publishedAt, href: `/p/${slug}` };
    return c.json(publication, 200);
  })
  .openapi(unpublishRoute, async (c) => {
    const { caller, db } = c.var;
    const { id } = c.req.valid('param');
    const owner = await requireDeleteRights(db, PROJECTS, caller, id);
    const outcome = await unpublishProject(db, owner, id);
    if (outcome.kind === 'not-found') throw noSuchProject();
    const { previous } = outcome;
    if (previous) {
      afterResponse(c, 'unpublication to KV', () =>
        recordUnpublished(c.env.PROJECT_PAGES, previous.slug, previous.version),
      );
    }
    return c.body(null, 204);
  })
  .openapi(publicPageRoute, async (c) => {
    const slug = normalisedSlug(c.req.valid('param').slug);
    const entry = await loadPage(c, slug);
    if (!entry) throw notFound(`Nothing is published at /p/${slug}.`);
    const headers = { ETag: pageEtag(entry), 'Cache-Control': PAGE_CACHE_CONTROL };
    if (ifNoneMatchHits(c.req.valid('header')['if-none-match'], headers.ETag)) return c.body(null, 304, headers);
    return c.json(publicPage(entry.page), 200, headers);
  });
