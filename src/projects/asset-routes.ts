// Assets of a project: files in R2 with their metadata in Postgres (src/projects/assets.ts).
// PUT and DELETE /v1/projects/{id}/assets/{name} follow the publication's rules (an organization's
// project needs org:admin: assets show on its public page). GET /p/{slug}/assets/{name} serves a
// published project's file from R2, found through the page in KV: a hit costs no database round
// trip, and a `?v=<sha256>` link (the page lists them) is cached as immutable.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { uuidv7 } from 'uuidv7';
import { afterResponse } from '../lib/after-response.ts';
import { ifNoneMatchHeaders, ifNoneMatchHits } from '../lib/etag.ts';
import { requireDeleteRights } from '../lib/owned-resource.ts';
import { ApiError, badRequest, notFound } from '../lib/problem.ts';
import { limitBody } from '../middleware/body-limit.ts';
import { database } from '../middleware/database.ts';
import { problemResponses } from '../openapi/problems.ts';
import { authenticatedRoute, json } from '../openapi/route.ts';
import type { AppEnv } from '../types.ts';
import { deleteAsset, type PageChange, storeAsset } from './asset-queries.ts';
import {
  ASSET_TYPES,
  acceptedType,
  assetConfig,
  assetKey,
  byteRange,
  DEFAULT_MAX_ASSET_BYTES,
  IMMUTABLE_CACHE_CONTROL,
  putUpload,
} from './assets.ts';
import { loadPage, PAGE_CACHE_CONTROL, recordChange } from './public-page.ts';
import { PROJECTS } from './queries.ts';
import {
  type Asset,
  assetParams,
  assetSchema,
  normalisedSlug,
  publicAssetParams,
  publicAssetQuery,
} from './schemas.ts';

const tags = ['Projects'];

/** A file body of each accepted type, as the OpenAPI document describes it. */
const fileContent = Object.fromEntries(
  ASSET_TYPES.map((type) => [type, { schema: z.string().openapi({ format: 'binary' }) }]),
) as Record<(typeof ASSET_TYPES)[number], { schema: z.ZodString }>;

const uploadRoute = authenticatedRoute({
  method: 'put',
  path: '/v1/projects/{id}/assets/{name}',
  tags,
  summary: 'Upload an asset',
  description: `The body is the file (at most ${DEFAULT_MAX_ASSET_BYTES / 1024 / 1024} MiB unless configured otherwise), streamed to R2; it must start like the type Content-Type names. Replaces an asset of the same name. Organization projects need the \`org:admin\` role.`,
  request: { params: assetParams, body: { required: true, content: fileContent } },
  responses: {
    200: { description: 'Replaced the asset of this name.', content: json(assetSchema) },
    201: { description: 'Stored.', content: json(assetSchema) },
    ...problemResponses('validation-failed', 'forbidden', 'not-found', 'payload-too-large', 'unsupported-media-type'),
  },
});

const deleteRoute = authenticatedRoute({
  method: 'delete',
  path: '/v1/projects/{id}/assets/{name}',
  tags,
  summary: 'Delete an asset',
  description: 'Organization projects need the `org:admin` role.',
  request: { params: assetParams },
  responses: {
    204: { description: 'Deleted, with its file.' },
    ...problemResponses('validation-failed', 'forbidden', 'not-found'),
  },
});

const downloadHeaders = z.object({
  ETag: z.string().openapi({ description: 'The SHA-256 of the file.' }),
  'Cache-Control': z.string().openapi({ example: IMMUTABLE_CACHE_CONTROL }),
});

const downloadRoute = createRoute({
  method: 'get',
  path: '/p/{slug}/assets/{name}',
  tags: ['Public pages'],
  summary: 'A file of a published project',
  description:
    'No session needed. `?v=<sha256>` (as the page links it) names the content: such a response never changes and is cached as immutable. Single byte ranges are served (206).',
  security: [],
  middleware: [database] as const,
  request: {
    params: publicAssetParams,
    query: publicAssetQuery,
    headers: ifNoneMatchHeaders.extend({
      range: z
        .string()
        .max(256)
        .optional()
        .openapi({ param: { in: 'header' }, example: 'bytes=0-1023' }),
      'if-range': z
        .string()
        .max(1024)
        .optional()
        .openapi({ param: { in: 'header' } }),
    }),
  },
  responses: {
    200: { description: 'The file.', headers: downloadHeaders, content: fileContent },
    206: {
      description: 'The requested byte range.',
      headers: downloadHeaders.extend({ 'Content-Range': z.string().openapi({ example: 'bytes 0-1023/48213' }) }),
      content: fileContent,
    },
    304: { description: 'Your copy (If-None-Match) is current.', headers: downloadHeaders },
    ...problemResponses('validation-failed', 'not-found', 'range-not-satisfiable', 'database-unavailable'),
  },
});

export const assetRoutes = new OpenAPIHono<AppEnv>()
  .openapi(uploadRoute, async (c) => {
    const { caller, db } = c.var;
    const { id, name } = c.req.valid('param');
    const config = assetConfig(c.env);
    const type = acceptedType(c.req.header('content-type'), config);
    const bucket = c.env.PROJECT_ASSETS;
    return withBodyLimit(c, config.maxBytes, async () => {
      const owner = await requireDeleteRights(db, PROJECTS, caller, id);
      const uploadId = uuidv7();
      const key = assetKey(uploadId);
      const stored = await putUpload(bucket, key, { ...(await uploadedBody(c.req.raw)), type });
      const outcome = await storeAsset(db, owner, id, {
        id: uploadId,
        name,
        objectKey: key,
        contentType: type,
        sizeBytes: stored.size,
        sha256: stored.sha256,
      }).catch(async (error: unknown) => {
        await bucket.delete(key);
        throw error;
      });
      if (outcome.kind === 'not-found') {
        await bucket.delete(key);
        throw notFound('No such project.');
      }
      afterResponse(c, 'asset upload to R2 and KV', async () => {
        if (outcome.replacedKey) await bucket.delete(outcome.replacedKey);
        await pageChanged(c, outcome.change);
      });
      const asset: Asset = {
        name,
        contentType: type,
        size: stored.size,
        sha256: stored.sha256,
        uploadedAt: outcome.uploadedAt,
      };
      return c.json(asset, outcome.replacedKey ? 200 : 201);
    });
  })
  .openapi(deleteRoute, async (c) => {
    const { caller, db } = c.var;
    const { id, name } = c.req.valid('param');
    const owner = await requireDeleteRights(db, PROJECTS, caller, id);
    const outcome = await deleteAsset(db, owner, id, name);
    if (outcome.kind === 'no-project') throw notFound('No such project.');
    if (outcome.kind === 'no-asset') throw notFound('No such asset.');
    afterResponse(c, 'asset deletion from R2 and KV', async () => {
      await c.env.PROJECT_ASSETS.delete(outcome.objectKey);
      await pageChanged(c, outcome.change);
    });
    return c.body(null, 204);
  })
  .openapi(downloadRoute, async (c) => {
    const { slug, name } = c.req.valid('param');
    const { v } = c.req.valid('query');
    const request = c.req.valid('header');
    const entry = await loadPage(c, normalisedSlug(slug));
    const asset = entry?.page.assets.find((candidate) => candidate.name === name);
    if (!asset || (v !== undefined && v !== asset.sha256)) throw notFound('No such file.');
    const headers = {
      ETag: `"${asset.sha256}"`,
      'Cache-Control': v === undefined ? PAGE_CACHE_CONTROL : IMMUTABLE_CACHE_CONTROL,
      'Accept-Ranges': 'bytes',
      // Public files may be embedded by any site (secureHeaders would say same-origin).
      'Cross-Origin-Resource-Policy': 'cross-origin',
    };
    if (ifNoneMatchHits(request['if-none-match'], headers.ETag)) return c.body(null, 304, headers);
    const ifRange = request['if-range'];
    const range = ifRange === undefined || ifRange === headers.ETag ? byteRange(request.range, asset.size) : null;
    if (range === 'unsatisfiable') {
      throw new ApiError('range-not-satisfiable', `The file has ${asset.size} bytes.`, {
        headers: { 'Content-Range': `bytes */${asset.size}` },
      });
    }
    const object = await c.env.PROJECT_ASSETS.get(asset.key, range ? { range } : {});
    // Only if the object vanished behind its row; the scheduled sweep removes the row.
    if (!object) throw notFound('No such file.');
    const file = {
      ...headers,
      'Content-Type': asset.contentType,
      'Content-Disposition': `inline; filename="${asset.name}"`,
    };
    if (!range) return c.body(object.body, 200, { ...file, 'Content-Length': String(asset.size) });
    return c.body(object.body, 206, {
      ...file,
      'Content-Length': String(range.length),
      'Content-Range': `bytes ${range.offset}-${range.offset + range.length - 1}/${asset.size}`,
    });
  });

/** A change of the project's public page: KV hears of it if the project is published. */
async function pageChanged(c: Context<AppEnv>, change: PageChange): Promise<void> {
  if (change.slug) await recordChange(c.env.PROJECT_PAGES, change.slug, change.version);
}

/** Runs `work` with the request body capped at `maxBytes` (413 beyond it), answering its response. */
async function withBodyLimit(c: Context<AppEnv>, maxBytes: number, work: () => Promise<Response>): Promise<Response> {
  let response: Response | undefined;
  await limitBody(maxBytes)(c, async () => {
    response = await work();
  });
  return response!;
}

/**
 * The upload's bytes and their count. With Content-Length the request body streams straight
 * through; without it, limitBody has already read it (within the limit) into memory.
 */
async function uploadedBody(request: Request): Promise<{ body: ReadableStream<Uint8Array>; length: number }> {
  const declared = request.headers.get('content-length');
  if (declared !== null && !request.headers.has('transfer-encoding')) {
    if (!/^\d{1,15}$/.test(declared)) throw badRequest('Content-Length is not a number of bytes.');
    return { body: request.body ?? new ReadableStream(), length: Number(declared) };
  }
  const bytes = new Uint8Array(await request.arrayBuffer());
  return { body: new Blob([bytes]).stream(), length: bytes.byteLength };
}
