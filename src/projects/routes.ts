// /v1/projects: owned by the session's active organization, else by the caller personally.
// Each request is at most one database round trip; the mechanics (owner scoping, idempotent
// create, ETag / If-Match, keyset pages) are the shared ones of src/lib/. A project can be
// published as a public page with files (publication-routes.ts, asset-routes.ts): the edge half
// of the example, KV and R2 in front of Postgres.
import { OpenAPIHono, z } from '@hono/zod-openapi';
import { uuidv7 } from 'uuidv7';
import { quotaConfig } from '../config.ts';
import { afterResponse } from '../lib/after-response.ts';
import { pageQuery, toPage } from '../lib/cursor.ts';
import { etag, etagHeader, ifMatchHeaders, ifMatchVersions } from '../lib/etag.ts';
import { idempotencyClaim, idempotencyKeyHeaders, idempotentReplayedHeader } from '../lib/idempotency.ts';
import { ownerFor, requireDeleteRights } from '../lib/owned-resource.ts';
import { ApiError, notFound } from '../lib/problem.ts';
import { problemResponses } from '../openapi/problems.ts';
import { authenticatedRoute, json } from '../openapi/route.ts';
import type { AppEnv } from '../types.ts';
import { assetRoutes } from './asset-routes.ts';
import { deleteObjects } from './assets.ts';
import { recordChange, recordUnpublished } from './public-page.ts';
import { publicationRoutes } from './publication-routes.ts';
import { deleteProject, findProject, insertProject, listProjects, PROJECTS, updateProject } from './queries.ts';
import {
  createProjectBody,
  type Project,
  projectIdParams,
  projectPageSchema,
  projectSchema,
  updateProjectBody,
} from './schemas.ts';

const tags = ['Projects'];
const noSuchProject = () => notFound('No such project.');

const createProjectRoute = authenticatedRoute({
  method: 'post',
  path: '/v1/projects',
  tags,
  summary: 'Create a project',
  description:
    'Owned by the active organization of the session, or by the caller without one, up to a quota per owner (409). Send an `Idempotency-Key` to make retries safe.',
  request: { headers: idempotencyKeyHeaders, body: { required: true, content: json(createProjectBody) } },
  responses: {
    201: {
      description: 'Created (or, for a retried Idempotency-Key, the original response).',
      headers: etagHeader.extend({
        Location: z.string().openapi({ example: '/v1/projects/01967a3c-5b2e-7d4f-8a1b-2c3d4e5f6a7b' }),
        ...idempotentReplayedHeader.shape,
      }),
      content: json(projectSchema),
    },
    ...problemResponses('validation-failed', 'quota-exceeded', 'idempotency-key-reused'),
  },
});

const listProjectsRoute = authenticatedRoute({
  method: 'get',
  path: '/v1/projects',
  tags,
  summary: 'List projects, newest first',
  request: { query: pageQuery },
  responses: {
    200: { description: 'A page of projects.', content: json(projectPageSchema) },
    ...problemResponses('validation-failed'),
  },
});

const getProjectRoute = authenticatedRoute({
  method: 'get',
  path: '/v1/projects/{id}',
  tags,
  summary: 'Get a project',
  request: { params: projectIdParams },
  responses: {
    200: { description: 'The project.', headers: etagHeader, content: json(projectSchema) },
    ...problemResponses('validation-failed', 'not-found'),
  },
});

const updateProjectRoute = authenticatedRoute({
  method: 'patch',
  path: '/v1/projects/{id}',
  tags,
  summary: 'Update a project',
  description: 'Send the ETag you read as `If-Match` to fail with 412 instead of overwriting a newer change.',
  request: {
    params: projectIdParams,
    headers: ifMatchHeaders,
    body: { required: true, content: json(updateProjectBody) },
  },
  responses: {
    200: { description: 'The updated project.', headers: etagHeader, content: json(projectSchema) },
    ...problemResponses('validation-failed', 'not-found', 'precondition-failed'),
  },
});

const deleteProjectRoute = authenticatedRoute({
  method: 'delete',
  path: '/v1/projects/{id}',
  tags,
  summary: 'Delete a project',
  description: 'With its public page and files. Organization projects need the `org:admin` role.',
  request: { params: projectIdParams },
  responses: {
    204: { description: 'Deleted.' },
    ...problemResponses('validation-failed', 'forbidden', 'not-found'),
  },
});

export const projectRoutes = new OpenAPIHono<AppEnv>()
  .openapi(createProjectRoute, async (c) => {
    const { caller, db } = c.var;
    const body = c.req.valid('json');
    const key = c.req.valid('header')['idempotency-key'];
    const owner = ownerFor(caller, PROJECTS);
    const createdAt = new Date();
    const created: Project = {
      id: uuidv7(),
      name: body.name,
      description: body.description ?? null,
      createdAt: createdAt.toISOString(),
      updatedAt: createdAt.toISOString(),
    };
    const idempotency = key
      ? await idempotencyClaim(
          'POST /v1/projects',
          caller.userId,
          key,
          { owner, values: { name: created.name, description: created.description } },
          JSON.stringify(created),
        )
      : null;
    const outcome = await insertProject(db, {
      owner,
      placeholderOwnerId: uuidv7(),
      values: { id: created.id, name: created.name, description: created.description, createdAt, updatedAt: createdAt },
      idempotency,
      maxRowsPerOwner: quotaConfig(c.env).maxRowsPerOwner,
    });
    if (outcome.kind === 'created') return c.json(created, 201, createdHeaders(created.id));
    if (outcome.requestHash !== idempotency?.requestHash) {
      throw new ApiError(
        'idempotency-key-reused',
        'This Idempotency-Key was already used with a different request in the last 24 hours.',
      );
    }
    const original = projectSchema.parse(JSON.parse(outcome.response));
    return c.json(original, 201, { ...createdHeaders(original.id), 'Idempotent-Replayed': 'true' as const });
  })
  .openapi(listProjectsRoute, async (c) => {
    const { limit, cursor } = c.req.valid('query');
    const rows = await listProjects(c.var.db, ownerFor(c.var.caller, PROJECTS), { limit, before: cursor });
    return c.json(toPage(rows, limit, toProject), 200);
  })
  .openapi(getProjectRoute, async (c) => {
    const row = await findProject(c.var.db, ownerFor(c.var.caller, PROJECTS), c.req.valid('param').id);
    if (!row) throw noSuchProject();
    return c.json(toProject(row), 200, { ETag: etag(row.version) });
  })
  .openapi(updateProjectRoute, async (c) => {
    const versions = ifMatchVersions(c.req.valid('header')['if-match']);
    const { id } = c.req.valid('param');
    const outcome = await updateProject(c.var.db, ownerFor(c.var.caller, PROJECTS), id, c.req.valid('json'), versions);
    if (outcome.kind === 'not-found') throw noSuchProject();
    if (outcome.kind === 'stale') {
      throw new ApiError(
        'precondition-failed',
        'The project changed since you read it; GET it again and reapply your change.',
      );
    }
    const { publicSlug, publicVersion } = outcome.row;
    if (publicSlug) {
      afterResponse(c, 'project change to KV', () => recordChange(c.env.PROJECT_PAGES, publicSlug, publicVersion));
    }
    return c.json(toProject(outcome.row), 200, { ETag: etag(outcome.row.version) });
  })
  .openapi(deleteProjectRoute, async (c) => {
    const { caller, db } = c.var;
    const { id } = c.req.valid('param');
    const owner = await requireDeleteRights(db, PROJECTS, caller, id);
    const deleted = await deleteProject(db, owner, id);
    if (!deleted) throw noSuchProject();
    afterResponse(c, 'project deletion from KV and R2', async () => {
      const { published, objectKeys } = deleted;
      if (published) await recordUnpublished(c.env.PROJECT_PAGES, published.slug, published.version);
      await deleteObjects(c.env.PROJECT_ASSETS, objectKeys);
    });
    return c.body(null, 204);
  })
  .route('/', publicationRoutes)
  .route('/', assetRoutes);

function toProject(row: { id: string; name: string; description: string | null; createdAt: Date; updatedAt: Date }) {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  } satisfies Project;
}

function createdHeaders(id: string) {
  // A new project is always version 1.
  return { Location: `/v1/projects/${id}`, ETag: etag(1) };
}
