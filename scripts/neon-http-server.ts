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
// It is a dev tool holding no credentials of its own, and is kept from becoming more: it listens
// on 127.0.0.1 only, answers only requests addressed to 127.0.0.1, localhost or [::1] (a web page
// cannot reach it through DNS rebinding), connects only to the one PostgreSQL server it was
// started for (never an open proxy), and caps request bodies.
//
// Run it alone with `node scripts/neon-http-server.ts --postgres HOST:PORT [--port N]`.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import pg from 'pg';

export interface NeonHttpServer {
  url: string;
  close(): Promise<void>;
}

/** The PostgreSQL server an endpoint fronts: connection strings naming any other are refused. */
export interface PostgresServer {
  host: string;
  port: number;
}

/** Host and port of a postgres:// URL (5432 when it names none), as pg connects to them. */
export function postgresServerOf(connectionString: string): PostgresServer {
  const url = new URL(connectionString);
  return { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: Number(url.port || 5432) };
}

// Far above any query the app sends (its largest request body, a webhook, is 256 KiB).
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

// Connection string parameters a client may set. pg also reads host, hostaddr and port from the
// query (another server) and sslcert, sslkey and sslrootcert (local files): all refused.
const CONNECTION_PARAMETERS = new Set(['sslmode', 'channel_binding', 'options', 'application_name']);

interface SqlQuery {
  query: string;
  params: unknown[];
}

/** A request refused with a message: 400 when malformed, like Neon's proxy, or another 4xx. */
class RequestError extends Error {
  readonly status: number;
  constructor(message: string, status = 400) {
    super(message);
    this.status = status;
  }
}

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

/**
 * Starts the endpoint on 127.0.0.1 in front of one PostgreSQL server. `url` is the full fetch
 * endpoint, e.g. http://127.0.0.1:PORT/sql
 */
export async function startNeonHttpServer(options: {
  postgres: PostgresServer;
  port?: number;
  maxConnectionsPerDatabase?: number;
  /**
   * A database this far away, each way (`npm run bench -- --rtt N`): every request is answered
   * two such delays later than it would be. Default 0.
   */
  oneWayDelayMs?: number;
}): Promise<NeonHttpServer> {
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

  const roundTripDelayMs = 2 * (options.oneWayDelayMs ?? 0);
  const server = createServer((req, res) => {
    const answer = () => void handle(req, res, endpoint).catch((error: unknown) => sendError(req, res, error));
    // Both legs waited up front: the answer leaves when it would come back from that far.
    if (roundTripDelayMs > 0) setTimeout(answer, roundTripDelayMs);
    else answer();
  });
  // Idle keep-alive connections stay open until close() (as the Clerk stand-in's): the driver's
  // fetch reuses them, and Node's 5 s timeout would race a reuse ("Network connection lost").
  server.keepAliveTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  // Set before the first request can arrive: the Host header must name this port.
  const endpoint: Endpoint = {
    hosts: new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]),
    postgres: options.postgres,
    poolFor,
  };

  return {
    url: `http://127.0.0.1:${port}/sql`,
    close: async () => {
      // The driver's fetch keeps connections alive; without this close() waits for them.
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all([...pools.values()].map((pool) => pool.end()));
      pools.clear();
    },
  };
}

interface Endpoint {
  /** The Host header values accepted: 127.0.0.1, localhost and [::1] with this server's port. */
  hosts: Set<string>;
  postgres: PostgresServer;
  poolFor(connectionString: string): pg.Pool;
}

async function handle(req: IncomingMessage, res: ServerResponse, endpoint: Endpoint) {
  const host = header(req, 'host')?.toLowerCase() ?? '';
  if (!endpoint.hosts.has(host)) {
    throw new RequestError(
      `Host ${JSON.stringify(host)} is not this server: only ${[...endpoint.hosts].join(', ')} are answered (so a web page cannot reach it through DNS rebinding)`,
      421,
    );
  }
  if (req.method !== 'POST' || !req.url?.split('?')[0]?.endsWith('/sql')) {
    return sendJson(res, 404, { message: 'Not found: POST /sql' });
  }
  const connectionString = frontedConnectionString(req, endpoint.postgres);
  const body = parseBody(await readBody(req));
  const pool = endpoint.poolFor(connectionString);
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

/** The request's Neon-Connection-String, when it names the server this endpoint fronts. */
function frontedConnectionString(req: IncomingMessage, postgres: PostgresServer): string {
  const connectionString = header(req, 'neon-connection-string');
  if (!connectionString || !/^postgres(ql)?:\/\//.test(connectionString) || !URL.canParse(connectionString)) {
    throw new RequestError('Missing or invalid Neon-Connection-String header');
  }
  const target = postgresServerOf(connectionString);
  if (target.host !== postgres.host || target.port !== postgres.port) {
    throw new RequestError(
      `This endpoint fronts only the PostgreSQL server at ${hostPort(postgres)}, not ${hostPort(target)}`,
      403,
    );
  }
  for (const name of new URL(connectionString).searchParams.keys()) {
    if (!CONNECTION_PARAMETERS.has(name)) {
      throw new RequestError(
        `Connection string parameter ${JSON.stringify(name)} is not accepted here (only ${[...CONNECTION_PARAMETERS].join(', ')})`,
        403,
      );
    }
  }
  return connectionString;
}

function hostPort({ host, port }: PostgresServer): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
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

function sendError(req: IncomingMessage, res: ServerResponse, error: unknown) {
  if (error instanceof RequestError) {
    // A body left unread (too large, or never read) is not drained: the connection closes instead.
    if (!req.readableEnded) res.once('finish', () => req.socket.destroy());
    return sendJson(res, error.status, { message: error.message }, req.readableEnded ? {} : { connection: 'close' });
  }
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

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  if (res.headersSent) return void res.destroy();
  const json = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The body, up to MAX_BODY_BYTES counted as it arrives: a missing or wrong Content-Length changes nothing. */
function readBody(req: IncomingMessage): Promise<string> {
  const tooLarge = () => new RequestError(`Request body larger than ${MAX_BODY_BYTES} bytes`, 413);
  if (Number(header(req, 'content-length')) > MAX_BODY_BYTES) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) return void chunks.push(chunk);
      req.off('data', onData).pause();
      reject(tooLarge());
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.once('error', reject);
  });
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
  const usageError = (problem: string): never => {
    console.error(`${problem}\nusage: node scripts/neon-http-server.ts --postgres HOST:PORT [--port N]`);
    process.exit(2);
  };
  let values: { postgres?: string | undefined; port?: string | undefined } = {};
  try {
    ({ values } = parseArgs({ options: { postgres: { type: 'string' }, port: { type: 'string' } } }));
  } catch (error) {
    usageError((error as Error).message);
  }
  if (!values.postgres) usageError('--postgres is required: the PostgreSQL server to front');
  const server = await startNeonHttpServer({
    postgres: postgresServerOf(`postgresql://${values.postgres}`),
    port: values.port === undefined ? undefined : Number(values.port),
  });
  console.log(`Neon SQL-over-HTTP endpoint for ${values.postgres}: ${server.url}`);
  console.log(`Point the driver at it: neonConfig.fetchEndpoint = '${server.url}'`);
  const stop = () => void server.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
