// The pg driver over TCP through Cloudflare Hyperdrive (db/client.ts imports it on first use).
import type { Duplex } from 'node:stream';
import { drizzle } from 'drizzle-orm/node-postgres';
import { Client } from 'pg';
// A namespace import: Node scripts import this module too, where pg-cloudflare is an empty stub.
import * as pgCloudflare from 'pg-cloudflare';
import { QUERY_TIMEOUT_MS, type RequestDb, type Timed } from './client.ts';
import * as schema from './schema.ts';

const CONNECT_TIMEOUT_MS = 5_000;

export function pgDb(connectionString: string, timed: Timed): RequestDb {
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
    db: drizzle({ client: counted as unknown as Client, schema }),
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
