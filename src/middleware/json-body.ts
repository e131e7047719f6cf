// The gate in front of every route that reads a JSON body: 415 for another content type, 413
// over 64 KiB, and 400 for a body that is not JSON. The route's zod schema then validates the
// parsed value. Routes get it from `authenticatedRoute` (src/openapi/route.ts), never by hand.
import { createMiddleware } from 'hono/factory';
import { ApiError, badRequest } from '../lib/problem.ts';
import type { AppEnv } from '../types.ts';
import { limitBody } from './body-limit.ts';

export const MAX_JSON_BODY_BYTES = 64 * 1024;

// application/json or application/*+json, with optional parameters: the same rule as the
// media-type gate of @hono/zod-openapi, so this middleware is the one that answers 415.
const JSON_CONTENT_TYPE = /^application\/([a-z-.]+\+)?json(;\s*[a-zA-Z0-9-]+=([^;]+))*$/i;

const limit = limitBody(MAX_JSON_BODY_BYTES);

export const jsonBody = createMiddleware<AppEnv>(async (c, next) => {
  if (!JSON_CONTENT_TYPE.test(c.req.header('content-type') ?? '')) {
    throw new ApiError('unsupported-media-type', 'Send the body as application/json.');
  }
  await limit(c, async () => {
    try {
      // Parsed once here; Hono caches the body, so the validator reuses it.
      await c.req.json();
    } catch {
      throw badRequest('The body is not valid JSON.');
    }
    await next();
  });
});
