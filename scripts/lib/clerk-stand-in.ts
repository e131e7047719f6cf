// A local stand-in for Clerk's Backend API, for the endpoints the template calls. The Worker
// reaches it through CLERK_API_URL.
// - Tests (test/global-setup.ts, the reliability suite) arrange it over HTTP; each secret key (the
//   `Authorization: Bearer` token, as with Clerk) has its own in-memory store, so test projects
//   that use different CLERK_SECRET_KEYs never see each other's data.
// - `npm run dev` starts it with a store file (scripts/lib/clerk-dev-store.ts) that
//   `npm run token` and `npm run webhook` fill, read on every request.
//
//   GET  /v1/users/:id                 the user, or Clerk's 404
//   GET  /v1/users?limit&offset        users, newest first (a bare array, as Clerk answers)
//   GET  /v1/organizations?limit&offset {data, total_count}, newest first
//   POST /__fixtures                   {reset?, users?, organizations?, failures?}: arrange the
//                                      caller's store (reset: clear it first); users and
//                                      organizations are Clerk JSON objects, replaced by id
//   GET  /__requests                   {requests: [{method, path}]} received for the key
//
// A failure `{path, method?, status?, retryAfter?, disconnect?, times?}` answers requests to
// that exact path with `status` (and Retry-After), or drops the connection (`disconnect`),
// `times` times (default: until reset).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ClerkObject, readClerkDevStore, updateClerkDevStore } from './clerk-dev-store.ts';

export interface ClerkStandIn {
  url: string;
  close(): Promise<void>;
}

export interface Failure {
  path: string;
  method?: string;
  status?: number;
  retryAfter?: number;
  disconnect?: boolean;
  times?: number;
}

interface Store {
  users: Map<string, ClerkObject>;
  organizations: Map<string, ClerkObject>;
  failures: Failure[];
  requests: { method: string; path: string }[];
}

const MAX_LIMIT = 500;

export async function startClerkStandIn(options: { storeFile?: string } = {}): Promise<ClerkStandIn> {
  const stores = new Map<string, Store>();
  const storeFor = (key: string) => {
    let store = stores.get(key);
    if (!store) {
      store = { users: new Map(), organizations: new Map(), failures: [], requests: [] };
      stores.set(key, store);
    }
    if (options.storeFile) {
      // Read afresh: the scripts write the file while the server runs.
      const saved = readClerkDevStore(options.storeFile);
      store.users = new Map(Object.entries(saved.users));
      store.organizations = new Map(Object.entries(saved.organizations));
    }
    return store;
  };
  const saveStore = (store: Store) => {
    if (!options.storeFile) return;
    updateClerkDevStore((saved) => {
      saved.users = Object.fromEntries(store.users);
      saved.organizations = Object.fromEntries(store.organizations);
    }, options.storeFile);
  };

  const server = createServer((request, response) => {
    handle(request, response, storeFor, saveStore).catch((error: unknown) => {
      send(response, 500, { errors: [{ code: 'fake_error', message: String(error) }] });
    });
  });
  // Idle keep-alive connections stay open until close(): with Node's 5 s timeout, a Worker that
  // reuses a connection just as the server drops it gets "Network connection lost" (seen under load).
  server.keepAliveTimeout = 0;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

async function handle(
  request: IncomingMessage,
  response: ServerResponse,
  storeFor: (key: string) => Store,
  saveStore: (store: Store) => void,
) {
  const url = new URL(request.url ?? '/', 'http://fake');
  const key = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
  if (!key) return send(response, 401, clerkError(401, 'authentication_invalid', 'Missing secret key'));
  const store = storeFor(key);
  const method = request.method ?? 'GET';

  if (method === 'POST' && url.pathname === '/__fixtures') {
    arrange(store, JSON.parse((await readBody(request)) || '{}'));
    saveStore(store);
    return send(response, 204);
  }
  if (method === 'GET' && url.pathname === '/__requests') return send(response, 200, { requests: store.requests });

  store.requests.push({ method, path: url.pathname });
  const failure = store.failures.find((f) => f.path === url.pathname && (f.method ?? 'GET') === method);
  if (failure) {
    if (failure.times !== undefined && --failure.times <= 0) store.failures.splice(store.failures.indexOf(failure), 1);
    if (failure.disconnect) return void request.socket.destroy();
    const status = failure.status ?? 500;
    const headers: Record<string, string> =
      failure.retryAfter === undefined ? {} : { 'Retry-After': String(failure.retryAfter) };
    return send(response, status, clerkError(status, 'fake_failure', `Injected ${status}`), headers);
  }

  if (method !== 'GET') return send(response, 405, clerkError(405, 'method_not_allowed', 'Method not allowed'));
  const userMatch = /^\/v1\/users\/([^/]+)$/.exec(url.pathname);
  if (userMatch) {
    const user = store.users.get(decodeURIComponent(userMatch[1]!));
    return user ? send(response, 200, user) : send(response, 404, clerkError(404, 'resource_not_found', 'not found'));
  }
  if (url.pathname === '/v1/users') return send(response, 200, page(store.users, url));
  if (url.pathname === '/v1/organizations') {
    return send(response, 200, { data: page(store.organizations, url), total_count: store.organizations.size });
  }
  return send(response, 404, clerkError(404, 'resource_not_found', `No route ${url.pathname}`));
}

function arrange(
  store: Store,
  fixtures: { reset?: boolean; users?: ClerkObject[]; organizations?: ClerkObject[]; failures?: Failure[] },
) {
  if (fixtures.reset) {
    store.users.clear();
    store.organizations.clear();
    store.failures.length = 0;
    store.requests.length = 0;
  }
  for (const user of fixtures.users ?? []) store.users.set(user.id, user);
  for (const organization of fixtures.organizations ?? []) store.organizations.set(organization.id, organization);
  store.failures.push(...(fixtures.failures ?? []));
}

/** Clerk's list order: newest first, then limit/offset (limit 1..500, default 10). */
function page(objects: Map<string, ClerkObject>, url: URL): ClerkObject[] {
  const limit = Math.min(Math.max(Number(url.searchParams.get('limit') ?? 10) || 10, 1), MAX_LIMIT);
  const offset = Math.max(Number(url.searchParams.get('offset') ?? 0) || 0, 0);
  return [...objects.values()]
    .sort((a, b) => (b.created_at ?? 0) - (a.created_at ?? 0) || (a.id < b.id ? -1 : 1))
    .slice(offset, offset + limit);
}

function clerkError(status: number, code: string, message: string) {
  return { errors: [{ code, message, long_message: message, meta: {} }], clerk_trace_id: `trace_${status}` };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function send(response: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}) {
  if (body === undefined) {
    response.writeHead(status, headers).end();
    return;
  }
  response.writeHead(status, { 'Content-Type': 'application/json', ...headers }).end(JSON.stringify(body));
}
