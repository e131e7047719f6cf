// `npm run dev`: one command, no account, no Docker, works offline.
// 1. .dev.vars: created from .dev.vars.example when missing; local secrets generated.
// 2. Database: DATABASE_URL (shell or .dev.vars) when set, else an embedded PostgreSQL kept
//    under .data/postgres; pending migrations applied.
// 3. `wrangler dev` with the Hyperdrive binding pointed at that database, or with the Neon HTTP
//    driver (`--driver neon-http`) through a local SQL-over-HTTP endpoint.
// Ctrl-C stops everything.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CLERK_DEV_STORE } from './lib/clerk-dev-store.ts';
import { type ClerkStandIn, startClerkStandIn } from './lib/clerk-stand-in.ts';
import { usageError } from './lib/cli.ts';
import { forgetDevServer, recordDevServer } from './lib/dev-server.ts';
import { DEV_VARS_PATH, ensureDevVars, LOCAL_CLERK_SECRET_KEY, readDevVars } from './lib/dev-vars.ts';
import { freePort, type LocalPostgres, startLocalPostgres } from './lib/local-postgres.ts';
import { applyMigrations } from './lib/migrations.ts';
import { PROJECT_ROOT } from './lib/project-root.ts';
import { LOCAL_DATABASE, LOCAL_SERVER } from './lib/target-database.ts';
import { wranglerVars } from './lib/wrangler-config.ts';
import { type NeonHttpServer, postgresServerOf, startNeonHttpServer } from './neon-http-server.ts';

const NAME = 'dev';
const USAGE = `
usage: npm run dev [-- --driver pg|neon-http] [wrangler dev options]

Local PostgreSQL (or DATABASE_URL), pending migrations, then \`wrangler dev\` with the Hyperdrive
binding pointed at that database; Ctrl-C stops everything. Listens on port 8787, or the next
free port when 8787 is taken (it says which; \`npm run webhook\` and \`npm run token\` follow it).

  --driver neon-http   the Neon HTTP driver through a local SQL-over-HTTP endpoint
  anything else        goes to wrangler dev, e.g. --port 9000 --env staging
                       (its options: npx wrangler dev --help)
`;

// `--driver <pg|neon-http>` is ours; every other argument goes to `wrangler dev` (e.g. --port 9000).
const argv = process.argv.slice(2);
if (argv.includes('--help') || argv.includes('-h')) {
  console.log(USAGE.trim());
  process.exit(0);
}
const { values: args, tokens } = parseArgs({
  args: argv,
  options: { driver: { type: 'string' }, port: { type: 'string' }, env: { type: 'string', short: 'e' } },
  allowPositionals: true,
  strict: false,
  tokens: true,
});
const driverArgs = new Set(
  tokens
    .filter((token) => token.kind === 'option' && token.name === 'driver')
    .flatMap((token) =>
      token.kind === 'option' ? [token.index, ...(token.inlineValue ? [] : [token.index + 1])] : [],
    ),
);
const wranglerPassThrough = argv.filter((_, index) => !driverArgs.has(index));

const devVars = ensureDevVars();
if (devVars.created) console.log('[dev] created .dev.vars from .dev.vars.example');
if (devVars.generated.length > 0) console.log(`[dev] generated local ${devVars.generated.join(', ')} in .dev.vars`);

const fileVars = readDevVars();
const driver = String(args.driver ?? process.env.DB_DRIVER ?? fileVars.DB_DRIVER ?? 'pg');
if (driver !== 'pg' && driver !== 'neon-http') usageError(NAME, `--driver must be pg or neon-http, not ${driver}`);
const configuredUrl = process.env.DATABASE_URL ?? fileVars.DATABASE_URL;

let postgres: LocalPostgres | undefined;
let neonHttp: NeonHttpServer | undefined;
let databaseUrl: string;
if (configuredUrl) {
  databaseUrl = configuredUrl;
  console.log(`[dev] using DATABASE_URL (${new URL(configuredUrl).host})`);
} else {
  postgres = await startLocalPostgres(LOCAL_SERVER);
  databaseUrl = await postgres.database(LOCAL_DATABASE);
  console.log(`[dev] local PostgreSQL: ${databaseUrl}`);
}
await applyMigrations(databaseUrl);
console.log('[dev] migrations applied');

// Our own choice of port, so it is known: the one asked for, else 8787 when free, else any.
const port = args.port === undefined ? await freePort(8787) : Number(args.port);
const wranglerArgs = ['dev', ...wranglerPassThrough, ...(args.port === undefined ? ['--port', String(port)] : [])];
if (driver === 'neon-http') {
  wranglerArgs.push('--var', 'DB_DRIVER:neon-http');
  // A real Neon database is reached through Neon's own endpoint; anything else through ours.
  if (!new URL(databaseUrl).hostname.endsWith('.neon.tech')) {
    neonHttp = await startNeonHttpServer({ postgres: postgresServerOf(databaseUrl) });
    wranglerArgs.push('--var', `NEON_HTTP_ENDPOINT:${neonHttp.url}`);
    console.log(`[dev] Neon HTTP driver through the local endpoint ${neonHttp.url}`);
  }
}

// Without real Clerk keys, Clerk's Backend API is a local stand-in fed by `npm run token` and
// `npm run webhook` (scripts/lib/clerk-dev-store.ts), so a new user's first GET /v1/me works
// offline. A real CLERK_SECRET_KEY in .dev.vars means the real Clerk.
let clerk: ClerkStandIn | undefined;
if ((process.env.CLERK_SECRET_KEY ?? fileVars.CLERK_SECRET_KEY) === LOCAL_CLERK_SECRET_KEY) {
  clerk = await startClerkStandIn({ storeFile: CLERK_DEV_STORE });
  wranglerArgs.push('--var', `CLERK_API_URL:${clerk.url}`);
  console.log(
    `[dev] Clerk's Backend API: a local stand-in at ${clerk.url} (users from npm run token / npm run webhook)`,
  );
}

// The database URL holds a password, so it reaches wrangler through its environment (DATABASE_URL
// and Hyperdrive's local connection string), never its command line, which `ps` shows to every
// user. wrangler reads its environment only with --env-file, which replaces the .dev.vars it
// would load, so that file is named explicitly. The environment then wins over the files and
// wrangler.toml for the names wrangler.toml declares: those set there or in .dev.vars are left
// out of it, so the Worker sees what `wrangler dev` alone would show it, plus DATABASE_URL.
const wranglerEnvName = typeof args.env === 'string' ? args.env : undefined;
// As wrangler does, .dev.vars.<env> for `--env <env>` when there is one.
const envDevVars = wranglerEnvName && `${DEV_VARS_PATH}.${wranglerEnvName}`;
const devVarsFile = envDevVars && existsSync(envDevVars) ? envDevVars : DEV_VARS_PATH;
wranglerArgs.push('--env-file', devVarsFile);
const wranglerEnv: NodeJS.ProcessEnv = { ...process.env };
for (const name of [...Object.keys(tomlVars(wranglerEnvName)), ...Object.keys(readDevVars(devVarsFile))]) {
  delete wranglerEnv[name];
}
const wrangler = spawn(path.join(PROJECT_ROOT, 'node_modules', '.bin', 'wrangler'), wranglerArgs, {
  cwd: PROJECT_ROOT,
  stdio: 'inherit',
  env: {
    ...wranglerEnv,
    DATABASE_URL: databaseUrl,
    CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE: databaseUrl,
    WRANGLER_SEND_METRICS: 'false',
    // Offline: use miniflare's placeholder `request.cf` instead of fetching one from Cloudflare.
    CLOUDFLARE_CF_FETCH_ENABLED: process.env.CLOUDFLARE_CF_FETCH_ENABLED ?? 'false',
  },
});

/** The [vars] of wrangler.toml for `--env` (or the top level), or a usage error naming the env. */
function tomlVars(env: string | undefined): Record<string, string> {
  try {
    return wranglerVars(env);
  } catch (error) {
    return usageError(NAME, (error as Error).message);
  }
}

const devUrl = `http://localhost:${port}`;
if (port !== 8787) console.log(`[dev] port 8787 is taken: listening on ${devUrl}`);
recordDevServer({ url: devUrl, env: wranglerEnvName, pid: process.pid });

let stopping = false;
async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  forgetDevServer();
  if (wrangler.exitCode === null) wrangler.kill('SIGINT');
  await new Promise((resolve) => (wrangler.exitCode === null ? wrangler.once('exit', resolve) : resolve(null)));
  await neonHttp?.close();
  await clerk?.close();
  await postgres?.stop();
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
wrangler.on('exit', (code) => void stop(code ?? 0));
