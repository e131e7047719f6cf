// A local stand-in for Neon's SQL-over-HTTP endpoint, backed by any PostgreSQL through `pg`.
//
// `neon()` from @neondatabase/serverless sends each query (or transaction batch) as one HTTPS
// POST to Neon's proxy. Locally there is no proxy, so in dev and tests the Worker points the
// driver here with `neonConfig.fetchEndpoint`. Only Neon's Docker images do this otherwise.
//
// Protocol, as the driver (v1.2) speaks it:
//   POST /sql   Neon-Connection-String: postgresql://user:pass@host:port/db
//   body        {"query": "...", "params": [...]}  or  {"queries": [{query, params}, ...]}
//   200         one result, or {"results": [result, ...]} for a batch
//   400         {"message", "code", "constraint", ...}: the driver rethrows it as NeonDbError
//   other       the driver throws "Server error (HTTP status N): <body>"
//
// Run it alone with `node scripts/neon-http-server.ts [--port N] [--host H]`.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import pg from 'pg';

export interface NeonHttpServer {
  url: string;
  close(): Promise<void>;
}

interface SqlQuery {
  query: string;
  params: unknown[];
}

/** A malformed request: answered with 400 and a message, like Neon's proxy. */
class RequestError extends Error {}

// The driver always sends `Neon-Raw-Text-Output: true` and parses every value itself from the
// text form using each field's dataTypeID (so Dates, bigint-as-string, etc. behave exactly as
// on Neon); we only implement that mode. pg must hand back Postgres's text untouched (NULL
// never reaches a parser).
const rawText = { getTypeParser: () => (value: string) => value } as unknown as pg.CustomTypesConfig;

const ISOLATION_LEVELS = new Map([
  ['ReadUncommitted', 'READ UNCOMMITTED'],
  ['ReadCommitted', 'READ COMMITTED'],
  ['RepeatableRead', 'REPEATABLE READ'],
  ['Serializable', 'SERIALIZABLE'],
]);

// Every field the driver copies from a 400 body onto its NeonDbError (besides `message`).
const ERROR_FIELDS = [
  'severity',
  'code',
  'detail',
  'hint',
  'position',
  'internalPosition',
  'internalQuery',
  'where',
  'schema',
  'table',
  'column',
  'dataType',
  'constraint',
  'file',
  'line',
  'routine',
] as const;

/** Starts the endpoint on 127.0.0.1. `url` is the full fetch endpoint, e.g. http://127.0.0.1:PORT/sql */
export async function startNeonHttpServer(
  options: { port?: number; host?: string; maxConnectionsPerDatabase?: number } = {},
): Promise<NeonHttpServer> {
  const host = options.host ?? '127.0.0.1';
  // The connection string travels with every request, so one pool per distinct string.
  const pools = new Map<string, pg.Pool>();

  const poolFor = (connectionString: string): pg.Pool => {
    let pool = pools.get(connectionString);
    if (!pool) {
      pool = new pg.Pool({
        connectionString,
        types: rawText,
        max: options.maxConnectionsPerDatabase ?? 10,
        idleTimeoutMillis: 30_000,
        // Fail fast (as a 5xx) instead of hanging when the database is unreachable.
        connectionTimeoutMillis: 10_000,
      });
      // An idle connection dying (e.g. Postgres restarted) is emitted on the pool; unhandled,
      // it would crash the process. The pool replaces the connection by itself.
      pool.on('error', () => {});
      pools.set(connectionString, pool);
    }
    return pool;
  };

  const server = createServer((req, res) => {
    handle(req, res, poolFor).catch((error: unknown) => sendError(res, error));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/sql`,
    close: async () => {
      // The driver's fetch keeps connections alive; without this close() waits for them.
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all([...pools.values()].map((pool) => pool.end()));
      pools.clear();
    },
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, poolFor: (url: string) => pg.Pool) {
  if (req.method !== 'POST' || !req.url?.split('?')[0]?.endsWith('/sql')) {
    return sendJson(res, 404, { message: 'Not found: POST /sql' });
  }
  const connectionString = header(req, 'neon-connection-string');
  if (!connectionString || !/^postgres(ql)?:\/\//.test(connectionString) || !URL.canParse(connectionString)) {
    throw new RequestError('Missing or invalid Neon-Connection-String header');
  }
  const body = parseBody(await readBody(req));
  const pool = poolFor(connectionString);
  // The driver always asks for arrays (it turns them into objects itself); Neon's proxy still
  // honours `false`, so we do too.
  const arrayMode = header(req, 'neon-array-mode') === 'true';

  if (!Array.isArray(body.queries)) {
    return sendJson(res, 200, await run(pool, toQuery(body), arrayMode));
  }
  const queries = body.queries.map(toQuery);
  const begin = beginStatement(req);
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query(begin);
    const results = [];
    try {
      for (const query of queries) results.push(await run(client, query, arrayMode));
      await client.query('COMMIT');
    } catch (error) {
      // Roll back on the first error; if even that fails the connection is unusable.
      await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
      throw error;
    }
    sendJson(res, 200, { results });
  } finally {
    client.release(broken);
  }
}

/** BEGIN with the batch options the driver sends as headers (transaction() options). */
function beginStatement(req: IncomingMessage): string {
  const modes: string[] = [];
  const isolation = header(req, 'neon-batch-isolation-level');
  if (isolation !== undefined) {
    const level = ISOLATION_LEVELS.get(isolation);
    if (!level) throw new RequestError(`Invalid Neon-Batch-Isolation-Level: ${isolation}`);
    modes.push(`ISOLATION LEVEL ${level}`);
  }
  const readOnly = header(req, 'neon-batch-read-only');
  if (readOnly !== undefined) modes.push(readOnly === 'true' ? 'READ ONLY' : 'READ WRITE');
  const deferrable = header(req, 'neon-batch-deferrable');
  if (deferrable !== undefined) modes.push(deferrable === 'true' ? 'DEFERRABLE' : 'NOT DEFERRABLE');
  return ['BEGIN', ...modes].join(' ');
}

async function run(db: pg.Pool | pg.PoolClient, { query, params }: SqlQuery, arrayMode: boolean) {
  const result = await db.query({
    text: query,
    values: params,
    ...(arrayMode ? { rowMode: 'array' } : {}),
    // Always the extended protocol (pg would use the simple one for a query without params),
    // as Neon does: several statements in one query are rejected instead of returning an
    // array of results the driver cannot read.
    queryMode: 'extended',
  } as pg.QueryConfig);
  return {
    command: result.command,
    // null for statements without a count (CREATE TABLE, BEGIN...), as on Neon.
    rowCount: result.rowCount,
    rows: result.rows,
    fields: result.fields.map((field) => ({
      name: field.name,
      tableID: field.tableID,
      columnID: field.columnID,
      dataTypeID: field.dataTypeID,
      dataTypeSize: field.dataTypeSize,
      dataTypeModifier: field.dataTypeModifier,
      format: field.format,
    })),
    rowAsArray: arrayMode,
  };
}

function sendError(res: ServerResponse, error: unknown) {
  if (error instanceof RequestError) return sendJson(res, 400, { message: error.message });
  if (error instanceof pg.DatabaseError) {
    // Anything Postgres itself reported (constraint violations, syntax errors, and also
    // connect-time errors such as a wrong password or missing database): 400 with its fields.
    const body: Record<string, unknown> = { message: error.message };
    for (const field of ERROR_FIELDS) body[field] = error[field];
    return sendJson(res, 400, body);
  }
  // Postgres unreachable (ECONNREFUSED, timeout, connection lost): the upstream failed, not the
  // request, so 502; the driver surfaces it as "Server error (HTTP status 502): ...".
  const message = error instanceof Error ? error.message || String(error) : String(error);
  sendJson(res, 502, { message: `Database connection error: ${message}` });
}

function sendJson(res: ServerResponse, status: number, body: unknown) {
  if (res.headersSent) return void res.destroy();
  const json = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseBody(text: string): { queries?: unknown } {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new RequestError('Request body is not valid JSON');
  }
  if (typeof body !== 'object' || body === null) throw new RequestError('Request body must be a JSON object');
  return body;
}

function toQuery(value: unknown): SqlQuery {
  const { query, params = [] } = (value ?? {}) as { query?: unknown; params?: unknown };
  if (typeof query !== 'string') throw new RequestError('Expected {"query": string, "params"?: array}');
  // The driver sends strings and nulls (it serialises dates, JSON, arrays and bytea itself).
  if (!Array.isArray(params)) throw new RequestError('"params" must be an array');
  return { query, params };
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { port: { type: 'string' }, host: { type: 'string' } } });
  const server = await startNeonHttpServer({
    port: values.port === undefined ? undefined : Number(values.port),
    host: values.host,
  });
  console.log(`Neon SQL-over-HTTP endpoint: ${server.url}`);
  console.log(`Point the driver at it: neonConfig.fetchEndpoint = '${server.url}'`);
  const stop = () => void server.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
