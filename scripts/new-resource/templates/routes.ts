// src/<name>/routes.ts: the resource's five routes, each one database round trip.
import type { ResourceNames } from '../names.ts';

/** How the resource's rows are owned, as the routes' header says it. */
function ownershipSentence(n: ResourceNames): string {
  switch (n.owner) {
    case 'both':
      return "owned by the session's active organization, else by the caller personally";
    case 'user':
      return 'owned by the caller personally, whichever organization the session has active';
    case 'organization':
      return "owned by the session's active organization; a session without one gets 403";
  }
}

export function routesTs(n: ResourceNames): string {
  const { pascal: P, pascalPlural: PP, camel, constant: C } = n;
  const path = `/v1/${n.plural}`;
  // An organization-owned resource answers 403 to a session without an active organization.
  const forbidden = n.owner === 'organization' ? `'forbidden', ` : '';
  const createDescription = {
    both: 'Owned by the active organization of the session, or by the caller without one',
    user: 'Owned by the caller',
    organization: 'Owned by the active organization of the session (a session without one gets 403)',
  }[n.owner];
  const deleteDescription = {
    both: `  description: 'Organization ${n.words} need the \`org:admin\` role.',\n`,
    user: '',
    organization: `  description: 'Needs the \`org:admin\` role.',\n`,
  }[n.owner];
  const deleteProblems =
    n.owner === 'user' ? `'validation-failed', 'not-found'` : `'validation-failed', 'forbidden', 'not-found'`;
  return `// ${path}: ${ownershipSentence(n)}.
// Each request is at most one database round trip; the mechanics (owner scoping, idempotent
// create, ETag / If-Match, keyset pages) are the shared ones of src/lib/.
import { OpenAPIHono, z } from '@hono/zod-openapi';
import { uuidv7 } from 'uuidv7';
import { quotaConfig } from '../config.ts';
import { pageQuery, toPage } from '../lib/cursor.ts';
import { etag, etagHeader, ifMatchHeaders, ifMatchVersions } from '../lib/etag.ts';
import { idempotencyClaim, idempotencyKeyHeaders, idempotentReplayedHeader } from '../lib/idempotency.ts';
import { ownerFor, requireDeleteRights } from '../lib/owned-resource.ts';
import { ApiError, notFound } from '../lib/problem.ts';
import { problemResponses } from '../openapi/problems.ts';
import { authenticatedRoute, json } from '../openapi/route.ts';
import type { AppEnv } from '../types.ts';
import { ${C}, delete${P}, find${P}, insert${P}, list${PP}, update${P} } from './queries.ts';
import {
  create${P}Body,
  type ${P},
  ${camel}IdParams,
  ${camel}PageSchema,
  ${camel}Schema,
  update${P}Body,
} from './schemas.ts';

const tags = ['${n.title}'];
const noSuch${P} = () => notFound('No such ${n.singularWords}.');

const create${P}Route = authenticatedRoute({
  method: 'post',
  path: '${path}',
  tags,
  summary: 'Create ${n.a} ${n.singularWords}',
  description:
    '${createDescription}, up to a quota per owner (409). Send an \`Idempotency-Key\` to make retries safe.',
  request: { headers: idempotencyKeyHeaders, body: { required: true, content: json(create${P}Body) } },
  responses: {
    201: {
      description: 'Created (or, for a retried Idempotency-Key, the original response).',
      headers: etagHeader.extend({
        Location: z.string().openapi({ example: '${path}/01967a3c-5b2e-7d4f-8a1b-2c3d4e5f6a7b' }),
        ...idempotentReplayedHeader.shape,
      }),
      content: json(${camel}Schema),
    },
    ...problemResponses(${forbidden}'validation-failed', 'quota-exceeded', 'idempotency-key-reused'),
  },
});

const list${PP}Route = authenticatedRoute({
  method: 'get',
  path: '${path}',
  tags,
  summary: 'List ${n.words}, newest first',
  request: { query: pageQuery },
  responses: {
    200: { description: 'A page of ${n.words}.', content: json(${camel}PageSchema) },
    ...problemResponses(${forbidden}'validation-failed'),
  },
});

const get${P}Route = authenticatedRoute({
  method: 'get',
  path: '${path}/{id}',
  tags,
  summary: 'Get ${n.a} ${n.singularWords}',
  request: { params: ${camel}IdParams },
  responses: {
    200: { description: 'The ${n.singularWords}.', headers: etagHeader, content: json(${camel}Schema) },
    ...problemResponses(${forbidden}'validation-failed', 'not-found'),
  },
});

const update${P}Route = authenticatedRoute({
  method: 'patch',
  path: '${path}/{id}',
  tags,
  summary: 'Update ${n.a} ${n.singularWords}',
  description: 'Send the ETag you read as \`If-Match\` to fail with 412 instead of overwriting a newer change.',
  request: {
    params: ${camel}IdParams,
    headers: ifMatchHeaders,
    body: { required: true, content: json(update${P}Body) },
  },
  responses: {
    200: { description: 'The updated ${n.singularWords}.', headers: etagHeader, content: json(${camel}Schema) },
    ...problemResponses(${forbidden}'validation-failed', 'not-found', 'precondition-failed'),
  },
});

const delete${P}Route = authenticatedRoute({
  method: 'delete',
  path: '${path}/{id}',
  tags,
  summary: 'Delete ${n.a} ${n.singularWords}',
${deleteDescription}  request: { params: ${camel}IdParams },
  responses: {
    204: { description: 'Deleted.' },
    ...problemResponses(${deleteProblems}),
  },
});

export const ${camel}Routes = new OpenAPIHono<AppEnv>()
  .openapi(create${P}Route, async (c) => {
    const { caller, db } = c.var;
    const body = c.req.valid('json');
    const key = c.req.valid('header')['idempotency-key'];
    const owner = ownerFor(caller, ${C});
    const createdAt = new Date();
    const created: ${P} = {
      id: uuidv7(),
      name: body.name,
      description: body.description ?? null,
      createdAt: createdAt.toISOString(),
      updatedAt: createdAt.toISOString(),
    };
    const idempotency = key
      ? await idempotencyClaim(
          'POST ${path}',
          caller.userId,
          key,
          { owner, values: { name: created.name, description: created.description } },
          JSON.stringify(created),
        )
      : null;
    const outcome = await insert${P}(db, {
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
    const original = ${camel}Schema.parse(JSON.parse(outcome.response));
    return c.json(original, 201, { ...createdHeaders(original.id), 'Idempotent-Replayed': 'true' as const });
  })
  .openapi(list${PP}Route, async (c) => {
    const { limit, cursor } = c.req.valid('query');
    const rows = await list${PP}(c.var.db, ownerFor(c.var.caller, ${C}), { limit, before: cursor });
    return c.json(toPage(rows, limit, to${P}), 200);
  })
  .openapi(get${P}Route, async (c) => {
    const row = await find${P}(c.var.db, ownerFor(c.var.caller, ${C}), c.req.valid('param').id);
    if (!row) throw noSuch${P}();
    return c.json(to${P}(row), 200, { ETag: etag(row.version) });
  })
  .openapi(update${P}Route, async (c) => {
    const versions = ifMatchVersions(c.req.valid('header')['if-match']);
    const { id } = c.req.valid('param');
    const outcome = await update${P}(c.var.db, ownerFor(c.var.caller, ${C}), id, c.req.valid('json'), versions);
    if (outcome.kind === 'not-found') throw noSuch${P}();
    if (outcome.kind === 'stale') {
      throw new ApiError(
        'precondition-failed',
        'The ${n.singularWords} changed since you read it; GET it again and reapply your change.',
      );
    }
    return c.json(to${P}(outcome.row), 200, { ETag: etag(outcome.row.version) });
  })
  .openapi(delete${P}Route, async (c) => {
    const { caller, db } = c.var;
    const { id } = c.req.valid('param');
    const owner = await requireDeleteRights(db, ${C}, caller, id);
    if (!(await delete${P}(db, owner, id))) throw noSuch${P}();
    return c.body(null, 204);
  });

function to${P}(row: { id: string; name: string; description: string | null; createdAt: Date; updatedAt: Date }) {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  } satisfies ${P};
}

function createdHeaders(id: string) {
  // A new ${n.singularWords} is always version 1.
  return { Location: \`${path}/\${id}\`, ETag: etag(1) };
}
`;
}
