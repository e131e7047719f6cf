// Neon's HTTP driver: one HTTPS request per query (db/client.ts imports it on first use).
import { neon, neonConfig } from '@neondatabase/serverless';
import { drizzle } from 'drizzle-orm/neon-http';
import { type Database, type DbTarget, QUERY_TIMEOUT_MS, type RequestDb, type Timed } from './client.ts';
import * as schema from './schema.ts';

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

export function neonHttpDb(target: Extract<DbTarget, { driver: 'neon-http' }>, timed: Timed): RequestDb {
  const request: NeonRequest = { timed, endpoint: target.fetchEndpoint };
  const client = neon(target.connectionString, {
    fetchOptions: { [requestKey]: request } as RequestInit,
    disableWarningInBrowsers: true,
  });
  return { db: drizzle({ client, schema }) as unknown as Database, close: async () => {} };
}
