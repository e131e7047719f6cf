// App assembly: the one place where middleware order and routes are decided.
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Schema } from 'hono';
import { cors } from 'hono/cors';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import { ConfigError, httpConfig } from './config.ts';
import { healthRoutes } from './health/routes.ts';
import { isTransientDatabaseError } from './lib/db-errors.ts';
import { log } from './lib/log.ts';
import { ApiError, notFound, PROBLEMS, type ProblemType, problemResponse } from './lib/problem.ts';
import { validationHook } from './lib/validation.ts';
import { meRoutes } from './me/routes.ts';
import { requestContext } from './middleware/request-context.ts';
import { apiDocsRoutes } from './openapi/routes.ts';
import { registeredResources, type resources } from './resources.ts';
import type { AppEnv } from './types.ts';
import { clerkWebhookRoutes } from './webhooks/clerk/routes.ts';

/** Seconds a client should wait before retrying after a 503. */
const RETRY_AFTER_SECONDS = '5';

type SchemaOf<T> = T extends OpenAPIHono<AppEnv, infer S extends Schema, '/'> ? S : never;
type Intersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;
/** Every route of every resource in src/resources.ts, as the typed client sees them. */
type ResourceSchema = Intersection<SchemaOf<(typeof resources)[number]['routes']>>;

export function createApp() {
  // OpenAPIHono: routes declared with zod schemas are validated by them (failures answer 400
  // through validationHook) and documented by them (GET /openapi.json).
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  app.use(requestContext);
  // A header a route sets itself wins (a public file may allow cross-origin use).
  app.use(secureHeaders({ overwrite: false }));
  app.use((c, next) =>
    cors({
      origin: httpConfig(c.env).corsOrigins,
      exposeHeaders: ['X-Request-Id', 'ETag', 'Location', 'Idempotent-Replayed'],
    })(c, next),
  );

  const routes = app.route('/', healthRoutes).route('/', clerkWebhookRoutes).route('/', meRoutes);
  for (const resource of registeredResources) app.route('/', resource.routes);
  // Last: documents every route mounted above.
  app.route('/', apiDocsRoutes(app));

  app.notFound((c) => problemResponse(c, notFound(`No route for ${c.req.method} ${new URL(c.req.url).pathname}.`)));
  app.onError((error, c) => problemResponse(c, toApiError(error, c.var.requestId)));
  return routes as OpenAPIHono<AppEnv, SchemaOf<typeof routes> & ResourceSchema, '/'>;
}

/** The API's routes with their inputs and outputs, for `hc<AppType>()` from `hono/client`. */
export type AppType = ReturnType<typeof createApp>;

/** Maps anything thrown to a problem. Unknown errors are logged and answered without details. */
export function toApiError(error: unknown, requestId: string | undefined): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof HTTPException) {
    // Raised by Hono itself (e.g. a body it could not read): the catalogue's problem of that status.
    const type = (Object.keys(PROBLEMS) as ProblemType[]).find((key) => PROBLEMS[key].status === error.status);
    if (type) return new ApiError(type, error.message || PROBLEMS[type].description);
  }
  if (isTransientDatabaseError(error)) {
    logError('database unavailable', error, requestId);
    return new ApiError('database-unavailable', 'The database is unavailable; retry later.', {
      headers: { 'Retry-After': RETRY_AFTER_SECONDS },
    });
  }
  if (error instanceof ConfigError) {
    logError('invalid configuration', error, requestId);
    return new ApiError('misconfigured', `${error.message}.`);
  }
  logError('unhandled error', error, requestId);
  return new ApiError('internal', 'An unexpected error occurred.');
}

function logError(msg: string, error: unknown, requestId: string | undefined): void {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : undefined;
  log({
    level: 'error',
    msg,
    requestId,
    error: error instanceof Error ? error.name : String(error),
    // The cause's message, not the DrizzleQueryError's: that one embeds parameters.
    detail:
      cause?.message ?? (error instanceof Error && error.name !== 'DrizzleQueryError' ? error.message : undefined),
    code: (cause as { code?: unknown } | undefined)?.code,
    stack: error instanceof Error && !cause ? error.stack : undefined,
  });
}
