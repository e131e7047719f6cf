// One database layer, two drivers. Every query in the project is written against `Database`
// (Drizzle's shared PgDatabase type), so it compiles and runs the same on both:
// - `pg` over TCP through Cloudflare Hyperdrive (the default; db/pg.ts);
// - Neon's HTTP driver (`drizzle-orm/neon-http`): one HTTPS request per query (db/neon-http.ts).
// Neither is ever used with an interactive transaction: the Neon HTTP driver has none, so a
// write that must be atomic is written as one SQL statement.

import type { SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type * as schema from './schema.ts';

export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

/**
 * Runs a hand-written SQL statement and returns its rows. Both drivers answer `execute` with
 * an object holding `rows`; Drizzle's shared type cannot say so, hence this one typed door.
 */
export async function executeRows<Row extends Record<string, unknown>>(db: Database, statement: SQL): Promise<Row[]> {
  const result = (await db.execute(statement)) as { rows: Row[] };
  return result.rows;
}

export type DbTarget =
  | { driver: 'pg'; connectionString: string }
  | { driver: 'neon-http'; connectionString: string; fetchEndpoint?: string | undefined };

/** Round trips and time spent waiting on the database during one request. */
export interface DbStats {
  roundTrips: number;
  durationMs: number;
}

export interface RequestDb {
  db: Database;
  /** Releases the request's connection, if one was opened. Safe to call more than once. */
  close(): Promise<void>;
}

/** Upper bound for one query, well inside the 15 s in which Svix expects an answer. */
export const QUERY_TIMEOUT_MS = 10_000;

/** Runs one round trip to the database, counted and timed in the request's DbStats. */
export type Timed = <T>(work: () => Promise<T>) => Promise<T>;

// wrangler.toml [define]: the driver a deployment's bundle carries, "pg" or "neon-http", or
// "both" (`npm run dev`). Undefined where nothing defines it (the tests, Node scripts): both.
declare const BUNDLED_DB_DRIVER: string | undefined;

/** The one driver this Worker is built with, or undefined when it carries both. */
export function bundledDbDriver(): DbTarget['driver'] | undefined {
  const bundled = typeof BUNDLED_DB_DRIVER === 'string' ? BUNDLED_DB_DRIVER : undefined;
  return bundled === 'pg' || bundled === 'neon-http' ? bundled : undefined;
}

/**
 * Returns a database for the current request. A new client per request: on Workers a client
 * kept in module scope is bound to the request that opened its socket and hangs in the next.
 */
export async function createRequestDb(
  target: DbTarget,
  stats: DbStats = { roundTrips: 0, durationMs: 0 },
): Promise<RequestDb> {
  const timed: Timed = async (work) => {
    const started = performance.now();
    stats.roundTrips += 1;
    try {
      return await work();
    } finally {
      stats.durationMs += performance.now() - started;
    }
  };
  // Each driver is imported on first use (not at isolate startup), and only if the bundle
  // carries it. The condition is spelled out at each import: only there does esbuild fold the
  // define to a constant and leave the other driver out of the bundle.
  if (target.driver === 'pg' && (typeof BUNDLED_DB_DRIVER !== 'string' || BUNDLED_DB_DRIVER !== 'neon-http')) {
    const { pgDb } = await import('./pg.ts');
    return pgDb(target.connectionString, timed);
  }
  if (target.driver === 'neon-http' && (typeof BUNDLED_DB_DRIVER !== 'string' || BUNDLED_DB_DRIVER !== 'pg')) {
    const { neonHttpDb } = await import('./neon-http.ts');
    return neonHttpDb(target, timed);
  }
  throw new Error(`this Worker is built without the ${target.driver} driver (BUNDLED_DB_DRIVER)`);
}
