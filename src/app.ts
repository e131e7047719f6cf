// App assembly: the one place where middleware order and routes are decided.
import { OpenAPIHono } from '@hono/zod-openapi';
import { cors } from 'hono/cors';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import { ConfigError, httpConfig } from './config.ts';
import { healthRoutes } from './health/routes.ts';
import { isTransientDatabaseError } from './lib/db-errors.ts';
import { log } from './lib/log.ts';
import { ApiError, notFound, problemResponse } from './lib/problem.ts';
import { validationHook } from './lib/validation.ts';
import { meRoutes } from './me/routes.ts';
import { requestContext } from './middleware/request-context.ts';
import { apiDocsRoutes } from './openapi/routes.ts';
import { projectRoutes } from './projects/routes.ts';
import type { AppEnv } from './types.ts';
import { clerkWebhookRoutes } from './webhooks/clerk/routes.ts';

/** Seconds a client should wait before retrying after a 503. */
const RETRY_AFTER_SECONDS = '5';

export function createApp() {
  // OpenAPIHono: routes declared with zod schemas are validated by them (failures answer 400
  // through validationHook) and documented by them (GET /openapi.json).
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  app.use(requestContext);
  app.use(secureHeaders());
  app.use((c, next) =>
    cors({
      origin: httpConfig(c.env).corsOrigins,
      exposeHeaders: ['X-Request-Id', 'ETag', 'Location', 'Idempotent-Replayed'],
    })(c, next),
  );

  app.route('/', healthRoutes);
  app.route('/', clerkWebhookRoutes);
  app.route('/', meRoutes);
  app.route('/', projectRoutes);
  // Last: documents every route mounted above.
  app.route('/', apiDocsRoutes(app));

  app.notFound((c) => problemResponse(c, notFound(`No route for ${c.req.method} ${new URL(c.req.url).pathname}.`)));
  app.onError((error, c) => problemResponse(c, toApiError(error, c.var.requestId)));
  return app;
}

/** Maps anything thrown to a problem. Unknown errors are logged and answered without details. */
export function toApiError(error: unknown, requestId: string | undefined): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof HTTPException) {
    return new ApiError(
      error.status,
      `http-${error.status}`,
      error.message || 'Error',
      error.message || 'Request failed.',
    );
  }
  if (isTransientDatabaseError(error)) {
    logError('database unavailable', error, requestId);
    return new ApiError(
      503,
      'database-unavailable',
      'Service Unavailable',
      'The database is unavailable; retry later.',
      {
        headers: { 'Retry-After': RETRY_AFTER_SECONDS },
      },
    );
  }
  if (error instanceof ConfigError) {
    logError('invalid configuration', error, requestId);
    return new ApiError(500, 'misconfigured', 'Server Misconfigured', `${error.message}.`);
  }
  logError('unhandled error', error, requestId);
  return new ApiError(500, 'internal', 'Internal Server Error', 'An unexpected error occurred.');
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
