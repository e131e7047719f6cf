// Liveness and readiness. /health never touches the database (so a load balancer can tell a
// dead isolate from a dead database); /ready does one round trip.
import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { database } from '../middleware/database.ts';
import type { AppEnv } from '../types.ts';

export const healthRoutes = new Hono<AppEnv>()
  .get('/health', (c) => c.json({ status: 'ok' as const }))
  .get('/ready', database, async (c) => {
    await c.var.db.execute(sql`select 1`);
    return c.json({ status: 'ready' as const });
  });
