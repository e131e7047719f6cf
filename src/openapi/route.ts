// How a route is declared. `authenticatedRoute` is `createRoute` plus what every authenticated
// route needs, so a new route cannot forget any of it: the session security scheme and its 401,
// the session check with the per-caller rate limit and its 429, the request's database and its
// 503, and, when the route reads a JSON body, the JSON gate with its 64 KiB cap (413, 415). Routes
// add only their own responses; a route with a body of another type (a file upload) reads it
// itself, under limitBody (the one 413).
import { createRoute, type RouteConfig } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { requireSession } from '../auth/require-session.ts';
import { database } from '../middleware/database.ts';
import { jsonBody } from '../middleware/json-body.ts';
import type { AppEnv } from '../types.ts';
import { problemResponses, SESSION_SECURITY } from './problems.ts';

type Declared = Omit<RouteConfig, 'security' | 'middleware' | 'path'>;
type Standard = ReturnType<
  typeof problemResponses<
    | 'unauthorized'
    | 'rate-limited'
    | 'database-unavailable'
    | 'validation-failed'
    | 'payload-too-large'
    | 'unsupported-media-type'
  >
>;

export function authenticatedRoute<P extends string, R extends Declared & { path: P }>(route: R) {
  const readsBody = route.request?.body?.content['application/json'] !== undefined;
  const middleware: MiddlewareHandler<AppEnv>[] = readsBody
    ? [requireSession, jsonBody, database]
    : [requireSession, database];
  const responses = {
    ...problemResponses(
      'unauthorized',
      'rate-limited',
      'database-unavailable',
      ...(readsBody ? (['validation-failed', 'payload-too-large', 'unsupported-media-type'] as const) : []),
    ),
    ...route.responses,
  };
  return createRoute({ ...route, security: SESSION_SECURITY, middleware, responses } as Omit<R, 'responses'> & {
    path: P;
    security: typeof SESSION_SECURITY;
    middleware: MiddlewareHandler<AppEnv>[];
    responses: R['responses'] & Partial<Standard>;
  });
}

/** A JSON request or response body of `schema`. */
export const json = <T>(schema: T) => ({ 'application/json': { schema } });
