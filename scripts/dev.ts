// `npm run dev`: one command, no account, no Docker, works offline.
// 1. .dev.vars: created from .dev.vars.example when missing; local secrets generated.
// 2. Database: DATABASE_URL (shell or .dev.vars) when set, else an embedded PostgreSQL kept
//    under .data/postgres; pending migrations applied.
// 3. `wrangler dev` with the Hyperdrive binding pointed at that database, or with the Neon HTTP
//    driver (`--driver neon-http`) through a local SQL-over-HTTP endpoint.
// Ctrl-C stops everything.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ensureDevVars, readDevVars } from './lib/dev-vars.ts';
import { type LocalPostgres, PROJECT_ROOT, startLocalPostgres } from './lib/local-postgres.ts';
import { applyMigrations } from './lib/migrations.ts';
import { LOCAL_DATABASE, LOCAL_SERVER } from './lib/target-database.ts';
import { type NeonHttpServer, startNeonHttpServer } from './neon-http-server.ts';

// `--driver <pg|neon-http>` is ours; every other argument goes to `wrangler dev` (e.g. --port 9000).
const { values: args, tokens } = parseArgs({
  options: { driver: { type: 'string' } },
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
const wranglerPassThrough = process.argv.slice(2).filter((_, index) => !driverArgs.has(index));

const devVars = ensureDevVars();
if (devVars.created) console.log('[dev] created .dev.vars from .dev.vars.example');
if (devVars.generated.length > 0) console.log(`[dev] generated local ${devVars.generated.join(', ')} in .dev.vars`);

const fileVars = readDevVars();
const driver = String(args.driver ?? process.env.DB_DRIVER ?? fileVars.DB_DRIVER ?? 'pg');
if (driver !== 'pg' && driver !== 'neon-http') throw new Error(`--driver must be pg or neon-http, not ${driver}`);
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

const wranglerArgs = ['dev', ...wranglerPassThrough];
if (driver === 'neon-http') {
  wranglerArgs.push('--var', 'DB_DRIVER:neon-http', '--var', `DATABASE_URL:${databaseUrl}`);
  // A real Neon database is reached through Neon's own endpoint; anything else through ours.
  if (!new URL(databaseUrl).hostname.endsWith('.neon.tech')) {
    neonHttp = await startNeonHttpServer();
    wranglerArgs.push('--var', `NEON_HTTP_ENDPOINT:${neonHttp.url}`);
    console.log(`[dev] Neon HTTP driver through the local endpoint ${neonHttp.url}`);
  }
}

const wrangler = spawn(path.join(PROJECT_ROOT, 'node_modules', '.bin', 'wrangler'), wranglerArgs, {
  cwd: PROJECT_ROOT,
  stdio: 'inherit',
  env: {
    ...process.env,
    CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE: databaseUrl,
    WRANGLER_SEND_METRICS: 'false',
    // Offline: use miniflare's placeholder `request.cf` instead of fetching one from Cloudflare.
    CLOUDFLARE_CF_FETCH_ENABLED: process.env.CLOUDFLARE_CF_FETCH_ENABLED ?? 'false',
  },
});

let stopping = false;
async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  if (wrangler.exitCode === null) wrangler.kill('SIGINT');
  await new Promise((resolve) => (wrangler.exitCode === null ? wrangler.once('exit', resolve) : resolve(null)));
  await neonHttp?.close();
  await postgres?.stop();
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
wrangler.on('exit', (code) => void stop(code ?? 0));
