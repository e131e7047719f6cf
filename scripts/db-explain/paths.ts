// What `npm run db:explain` checks: critical paths, each running the app's own query code against
// a seeded database. The core paths (users, webhooks, jobs) are in queries.ts; each resource adds
// its own in `src/<folder>/explain.ts`, found through src/resources.ts (resources.ts here).
import type pg from 'pg';
import type { Database } from '../../db/client.ts';

/** Real values from the seeded core tables (seed.ts). */
export interface CoreSamples {
  /** A synced user, and a delivery already in the ledger. */
  clerkUserId: string;
  svixId: string;
  /** A live Idempotency-Key record. */
  idempotencyKeyHash: string;
}

export interface CriticalPath<S = CoreSamples> {
  name: string;
  /** The app code that runs it. */
  source: string;
  run: (db: Database, samples: S) => PromiseLike<unknown>;
  /** Its statements must use one of these indexes (ON CONFLICT arbiters count). */
  indexes: string[];
}

/** A resource's part of db:explain: its rows at volume, samples from them, and its paths. */
export interface ResourceExplain<S> {
  /** Bulk-inserts the resource's rows over the seeded users and organizations (`scale` 1 = default volume). */
  seed(client: pg.Client, scale: number): Promise<void>;
  /** Real values to query with, e.g. the heaviest owner and a cursor in the middle of its list. */
  samples(client: pg.Client): Promise<S>;
  paths: CriticalPath<{ core: CoreSamples; own: S }>[];
}

/** `n` at `scale`, never below 100 rows. */
export const atScale = (n: number, scale: number) => Math.max(100, Math.round(n * scale));

/** One row from `sql`, or an error naming the query. */
export async function sampleRow(client: pg.Client, sql: string): Promise<Record<string, string>> {
  const { rows } = await client.query(sql);
  if (!rows[0]) throw new Error(`no sample for: ${sql}`);
  return rows[0] as Record<string, string>;
}
