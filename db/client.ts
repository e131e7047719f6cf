// One database layer, two drivers. Every query in the project is written against `Database`
// (Drizzle's shared PgDatabase type), so it compiles and runs the same on both:
// - `pg` over TCP through Cloudflare Hyperdrive (the default);
// - Neon's HTTP driver (`drizzle-orm/neon-http`): one HTTPS request per query.
// Neither is ever used with an interactive transaction: the Neon HTTP driver has none, so a
// write that must be atomic is written as one SQL statement.

import type { Duplex } from 'node:stream';
import { neon, neonConfig } from '@neondatabase/serverless';
import type { SQL } from 'drizzle-orm';
import { drizzle as drizzleNeonHttp } from 'drizzle-orm/neon-http';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { Client } from 'pg';
// A namespace import: Node scripts import this module too, where pg-cloudflare is an empty stub.
import * as pgCloudflare from 'pg-cloudflare';
import * as schema from './schema.ts';

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
const CONNECT_TIMEOUT_MS = 5_000;

/**
 * Returns a database for the current request. A new client per request: on Workers a client
 * kept in module scope is bound to the request that opened its socket and hangs in the next.
 */
export function createRequestDb(target: DbTarget, stats: DbStats = { roundTrips: 0, durationMs: 0 }): RequestDb {
  const timed = async <T>(work: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    stats.roundTrips += 1;
    try {
      return await work();
    } finally {
      stats.durationMs += performance.now() - started;
    }
  };
  return target.driver === 'pg' ? pgDb(target.connectionString, timed) : neonHttpDb(target, timed);
}

type Timed = <T>(work: () => Promise<T>) => Promise<T>;

function pgDb(connectionString: string, timed: Timed): RequestDb {
  const client = new Client({
    connectionString,
    // The Workers TCP socket, named explicitly: pg's own lookup (`require('pg-cloudflare')`)
    // resolves to an empty module under the Vitest pool, which lacks the `workerd` condition.
    // pg calls it with the parsed connection config (its types omit the argument).
    stream: ((config: { ssl?: unknown }) => new pgCloudflare.CloudflareSocket(Boolean(config.ssl))) as () => Duplex,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    query_timeout: QUERY_TIMEOUT_MS,
  });
  // Failures reach callers through the rejected query; this listener only keeps a socket error
  // after the query (e.g. the read loop ending when we close) from becoming an unhandled event.
  client.on('error', () => {});
  let connecting: Promise<unknown> | undefined;
  // What Drizzle is given: a client whose queries connect on first use (requests that never
  // touch the database open no socket) and are counted. Drizzle's node-postgres session only
  // calls `query` (transactions, which would need `connect`, are never used).
  const counted = {
    query: (...args: unknown[]) =>
      timed(async () => {
        connecting ??= client.connect();
        await connecting;
        return (client.query as (...args: unknown[]) => Promise<unknown>)(...args);
      }),
  };
  return {
    db: drizzlePg({ client: counted as unknown as Client, schema }),
    close: async () => {
      if (!connecting) return;
      const opened = connecting;
      connecting = Promise.reject(new Error('database client closed'));
      connecting.catch(() => {});
      await opened.then(
        () => client.end(),
        () => {},
      );
    },
  };
}

// The Neon driver's fetch and endpoint are global settings: set once, here. Each request's round
// trip counter and, in development, the local endpoint travel with its fetch options.
const requestKey = Symbol('neonRequest');
interface NeonRequest {
  timed: Timed;
  /** Replaces Neon's endpoint (https://<host>/sql): the local stand-in in dev and tests. */
  endpoint: string | undefined;
}
type NeonInit = RequestInit & { [requestKey]?: NeonRequest };
neonConfig.fetchFunction = (input: RequestInfo, init: NeonInit = {}) => {
  const { [requestKey]: request, ...rest } = init;
  const send = () => fetch(request?.endpoint ?? input, { ...rest, signal: AbortSignal.timeout(QUERY_TIMEOUT_MS) });
  return request ? request.timed(send) : send();
};

function neonHttpDb(target: Extract<DbTarget, { driver: 'neon-http' }>, timed: Timed): RequestDb {
  const request: NeonRequest = { timed, endpoint: target.fetchEndpoint };
  const client = neon(target.connectionString, {
    fetchOptions: { [requestKey]: request } as RequestInit,
    disableWarningInBrowsers: true,
  });
  return { db: drizzleNeonHttp({ client, schema }) as unknown as Database, close: async () => {} };
}
