// A Drizzle database for Node-side scripts, typed like the Worker's `c.var.db`, so scripts run
// the Worker's own query code (replay, reconciliation) instead of copies of it.
import { drizzle } from 'drizzle-orm/node-postgres';
import type { Database } from '../../db/client.ts';
import * as schema from '../../db/schema.ts';
import { withPgClient } from './pg-client.ts';

export async function withNodeDb<T>(url: string, work: (db: Database) => Promise<T>): Promise<T> {
  return withPgClient(url, (client) => work(drizzle({ client, schema }) as unknown as Database), 'scripts');
}
