// Liveness and readiness. /health never touches the database (so a load balancer can tell a
// dead isolate from a dead database); /ready does one round trip, so it is limited per client IP.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { sql } from 'drizzle-orm';
import { database } from '../middleware/database.ts';
import { limitClientIp } from '../middleware/rate-limit.ts';
import { problemResponses } from '../openapi/problems.ts';
import type { AppEnv } from '../types.ts';

const healthRoute = createRoute({
  method: 'get',
  path: '/health',
  tags: ['Operations'],
  summary: 'Liveness: the Worker runs (no database access)',
  responses: {
    200: {
      description: 'Alive.',
      content: { 'application/json': { schema: z.strictObject({ status: z.literal('ok') }) } },
    },
  },
});

const readyRoute = createRoute({
  method: 'get',
  path: '/ready',
  tags: ['Operations'],
  summary: 'Readiness: the database answers',
  middleware: [limitClientIp, database] as const,
  responses: {
    200: {
      description: 'Ready.',
      content: { 'application/json': { schema: z.strictObject({ status: z.literal('ready') }) } },
    },
    ...problemResponses('rate-limited', 'database-unavailable'),
  },
});

export const healthRoutes = new OpenAPIHono<AppEnv>()
  .openapi(healthRoute, (c) => c.json({ status: 'ok' as const }, 200))
  .openapi(readyRoute, async (c) => {
    await c.var.db.execute(sql`select 1`);
    return c.json({ status: 'ready' as const }, 200);
  });
