// /v1/projects: the example resource. Owned by the session's active organization, else by the
// caller personally (src/auth/caller.ts). Each request is at most one database round trip.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { uuidv7 } from 'uuidv7';
import { isOrganizationAdmin, ownerOf } from '../auth/caller.ts';
import { requireSession } from '../auth/require-session.ts';
import { ApiError, notFound } from '../lib/problem.ts';
import { database } from '../middleware/database.ts';
import { jsonBody } from '../middleware/json-body.ts';
import { errorResponse, errorResponses, SESSION_SECURITY } from '../openapi/problems.ts';
import type { AppEnv } from '../types.ts';
import { encodeCursor } from './cursor.ts';
import { etag, ifMatchVersions } from './etag.ts';
import { idempotencyKeyHash, requestFingerprint } from './idempotency.ts';
import { deleteProject, findProject, insertProject, listProjects, type ProjectRow, updateProject } from './queries.ts';
import {
  createProjectBody,
  createProjectHeaders,
  ifMatchHeaders,
  listProjectsQuery,
  type Project,
  projectIdParams,
  projectPageSchema,
  projectSchema,
  updateProjectBody,
} from './schemas.ts';

const tags = ['Projects'];
const json = <T>(schema: T) => ({ 'application/json': { schema } });
const etagHeader = z.object({
  ETag: z.string().openapi({ description: 'The version, for If-Match.', example: '"1"' }),
});

const createProjectRoute = createRoute({
  method: 'post',
  path: '/v1/projects',
  tags,
  summary: 'Create a project',
  description:
    'Owned by the active organization of the session, or by the caller without one. Send an `Idempotency-Key` to make retries safe.',
  security: SESSION_SECURITY,
  middleware: [requireSession, jsonBody, database] as const,
  request: {
    headers: createProjectHeaders,
    body: { required: true, content: json(createProjectBody) },
  },
  responses: {
    201: {
      description: 'Created (or, for a retried Idempotency-Key, the original response).',
      headers: etagHeader.extend({
        Location: z.string().openapi({ example: '/v1/projects/01967a3c-5b2e-7d4f-8a1b-2c3d4e5f6a7b' }),
        'Idempotent-Replayed': z
          .literal('true')
          .optional()
          .openapi({ description: 'Present when this is the stored answer to an earlier request with the same key.' }),
      }),
      content: json(projectSchema),
    },
    ...errorResponses(400, 401, 413, 415, 503),
    422: errorResponse('The Idempotency-Key was used with a different request in the last 24 hours.'),
  },
});

const listProjectsRoute = createRoute({
  method: 'get',
  path: '/v1/projects',
  tags,
  summary: 'List projects, newest first',
  security: SESSION_SECURITY,
  middleware: [requireSession, database] as const,
  request: { query: listProjectsQuery },
  responses: {
    200: { description: 'A page of projects.', content: json(projectPageSchema) },
    ...errorResponses(400, 401, 503),
  },
});

const getProjectRoute = createRoute({
  method: 'get',
  path: '/v1/projects/{id}',
  tags,
  summary: 'Get a project',
  security: SESSION_SECURITY,
  middleware: [requireSession, database] as const,
  request: { params: projectIdParams },
  responses: {
    200: { description: 'The project.', headers: etagHeader, content: json(projectSchema) },
    ...errorResponses(400, 401, 404, 503),
  },
});

const updateProjectRoute = createRoute({
  method: 'patch',
  path: '/v1/projects/{id}',
  tags,
  summary: 'Update a project',
  description: 'Send the ETag you read as `If-Match` to fail with 412 instead of overwriting a newer change.',
  security: SESSION_SECURITY,
  middleware: [requireSession, jsonBody, database] as const,
  request: {
    params: projectIdParams,
    headers: ifMatchHeaders,
    body: { required: true, content: json(updateProjectBody) },
  },
  responses: {
    200: { description: 'The updated project.', headers: etagHeader, content: json(projectSchema) },
    ...errorResponses(400, 401, 404, 412, 413, 415, 503),
  },
});

const deleteProjectRoute = createRoute({
  method: 'delete',
  path: '/v1/projects/{id}',
  tags,
  summary: 'Delete a project',
  description: 'Organization projects need the `org:admin` role.',
  security: SESSION_SECURITY,
  middleware: [requireSession, database] as const,
  request: { params: projectIdParams },
  responses: {
    204: { description: 'Deleted.' },
    ...errorResponses(400, 401, 403, 404, 503),
  },
});

export const projectRoutes = new OpenAPIHono<AppEnv>()
  .openapi(createProjectRoute, async (c) => {
    const { caller, db } = c.var;
    const body = c.req.valid('json');
    const key = c.req.valid('header')['idempotency-key'];
    const owner = ownerOf(caller);
    const createdAt = new Date();
    const project = toProject({
      id: uuidv7(),
      name: body.name,
      description: body.description ?? null,
      createdAt,
      updatedAt: createdAt,
    });
    const requestHash = await requestFingerprint(owner, body);
    const outcome = await insertProject(db, {
      id: project.id,
      owner,
      placeholderOwnerId: uuidv7(),
      name: project.name,
      description: project.description,
      createdAt,
      idempotency: key
        ? { keyHash: await idempotencyKeyHash(caller.userId, key), requestHash, response: JSON.stringify(project) }
        : null,
    });
    if (outcome.kind === 'created') return c.json(project, 201, createdHeaders(project.id));
    if (outcome.requestHash !== requestHash || outcome.response === null) {
      throw new ApiError(
        422,
        'idempotency-key-reused',
        'Idempotency Key Reused',
        'This Idempotency-Key was already used with a different request in the last 24 hours.',
      );
    }
    const original = projectSchema.parse(JSON.parse(outcome.response));
    return c.json(original, 201, { ...createdHeaders(original.id), 'Idempotent-Replayed': 'true' });
  })
  .openapi(listProjectsRoute, async (c) => {
    const { limit, cursor } = c.req.valid('query');
    const rows = await listProjects(c.var.db, ownerOf(c.var.caller), { limit, before: cursor });
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return c.json(
      { data: page.map(toProject), nextCursor: rows.length > limit && last ? encodeCursor(last.id) : null },
      200,
    );
  })
  .openapi(getProjectRoute, async (c) => {
    const row = await findProject(c.var.db, ownerOf(c.var.caller), c.req.valid('param').id);
    if (!row) throw notFound('No such project.');
    return c.json(toProject(row), 200, { ETag: etag(row.version) });
  })
  .openapi(updateProjectRoute, async (c) => {
    const versions = ifMatchVersions(c.req.valid('header')['if-match']);
    const outcome = await updateProject(
      c.var.db,
      ownerOf(c.var.caller),
      c.req.valid('param').id,
      c.req.valid('json'),
      versions,
    );
    if (outcome.kind === 'not-found') throw notFound('No such project.');
    if (outcome.kind === 'stale') {
      throw new ApiError(
        412,
        'precondition-failed',
        'Precondition Failed',
        'The project changed since you read it; GET it again and reapply your change.',
      );
    }
    return c.json(toProject(outcome.project), 200, { ETag: etag(outcome.project.version) });
  })
  .openapi(deleteProjectRoute, async (c) => {
    const { caller, db } = c.var;
    const owner = ownerOf(caller);
    const { id } = c.req.valid('param');
    // Members may see organization projects but not delete them: 403 for a visible project,
    // still 404 for one they cannot see. Either way, one statement.
    if (owner.kind === 'organization' && !isOrganizationAdmin(caller)) {
      if (await findProject(db, owner, id)) {
        throw new ApiError(403, 'forbidden', 'Forbidden', 'Deleting organization projects needs the org:admin role.');
      }
      throw notFound('No such project.');
    }
    if (!(await deleteProject(db, owner, id))) throw notFound('No such project.');
    return c.body(null, 204);
  });

function toProject(row: Omit<ProjectRow, 'version'>): Project {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function createdHeaders(id: string) {
  // A new project is always version 1.
  return { Location: `/v1/projects/${id}`, ETag: etag(1) };
}
