// Puts the request's database on the context (`c.var.db`): the one way handlers reach it.
// Mounted only on routes that use the database; connections open on the first query.
import { createMiddleware } from 'hono/factory';
import { createRequestDb } from '../../db/client.ts';
import { databaseConfig } from '../config.ts';
import type { AppEnv } from '../types.ts';

export const database = createMiddleware<AppEnv>(async (c, next) => {
  const { db, close } = await createRequestDb(databaseConfig(c.env), c.var.dbStats);
  c.set('db', db);
  try {
    await next();
  } finally {
    c.executionCtx.waitUntil(close());
  }
});
