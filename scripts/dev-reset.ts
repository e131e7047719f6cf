// `npm run dev:reset`: forget all local data, as on a fresh clone. Refuses while something uses it.
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fail, parseCommandLine } from './lib/cli.ts';
import { runningDevServer } from './lib/dev-server.ts';
import { runningServerPort } from './lib/local-postgres.ts';
import { PROJECT_ROOT } from './lib/project-root.ts';
import { LOCAL_SERVER } from './lib/target-database.ts';

const NAME = 'dev:reset';
parseCommandLine({
  name: NAME,
  usage: `
usage: npm run dev:reset

Deletes the local data of \`npm run dev\`: the PostgreSQL server under .data/${LOCAL_SERVER.name} (every
local database and branch) and wrangler's local state under .wrangler/state (KV, R2, caches).
Keeps .dev.vars (your local keys). The next \`npm run dev\` starts empty and applies the migrations.
Stop \`npm run dev\` and \`npm run db:start\` first.`,
  options: {},
});

const databaseDir = path.join(PROJECT_ROOT, '.data', LOCAL_SERVER.name);
const wranglerState = path.join(PROJECT_ROOT, '.wrangler', 'state');
if (runningDevServer()) fail(NAME, '`npm run dev` is running: stop it (Ctrl-C) first.');
const port = runningServerPort(databaseDir);
if (port !== undefined)
  fail(NAME, `the local PostgreSQL is running on port ${port}: stop it (Ctrl-C in db:start) first.`);

for (const folder of [databaseDir, wranglerState]) {
  if (!existsSync(folder)) continue;
  rmSync(folder, { recursive: true, force: true });
  console.log(`removed ${path.relative(PROJECT_ROOT, folder)}`);
}
console.log('local data reset: `npm run dev` starts from an empty database.');
