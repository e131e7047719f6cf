// The gate in front of every route that reads a JSON body: 415 for another content type, 413
// over 64 KiB (counted while reading, so a missing or lying Content-Length does not help), and
// 400 for a body that is not JSON. The route's zod schema then validates the parsed value.
import { bodyLimit } from 'hono/body-limit';
import { createMiddleware } from 'hono/factory';
import { ApiError, badRequest } from '../lib/problem.ts';
import type { AppEnv } from '../types.ts';

export const MAX_JSON_BODY_BYTES = 64 * 1024;

// application/json or application/*+json, with optional parameters: the same rule as the
// media-type gate of @hono/zod-openapi, so this middleware is the one that answers 415.
const JSON_CONTENT_TYPE = /^application\/([a-z-.]+\+)?json(;\s*[a-zA-Z0-9-]+=([^;]+))*$/i;

const limit = bodyLimit({
  maxSize: MAX_JSON_BODY_BYTES,
  onError: () => {
    throw new ApiError(
      413,
      'payload-too-large',
      'Payload Too Large',
      `Request bodies are limited to ${MAX_JSON_BODY_BYTES} bytes.`,
    );
  },
});

export const jsonBody = createMiddleware<AppEnv>(async (c, next) => {
  if (!JSON_CONTENT_TYPE.test(c.req.header('content-type') ?? '')) {
    throw new ApiError(415, 'unsupported-media-type', 'Unsupported Media Type', 'Send the body as application/json.');
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
