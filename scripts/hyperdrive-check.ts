// `npm run hyperdrive:check -- --env production`: every Hyperdrive config the environment binds
// (wrangler.toml) must have its query cache disabled, or reads would not see the writes before
// them (README, "Hyperdrive and read-your-writes"). Asks Cloudflare through `wrangler hyperdrive
// get`; the deploy workflow runs it before each deploy. Exits 1 naming each config that caches.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { fail, parseCommandLine, usageError } from './lib/cli.ts';
import { cachingProblem } from './lib/hyperdrive.ts';
import { PROJECT_ROOT } from './lib/project-root.ts';
import { wranglerSection } from './lib/wrangler-config.ts';

const NAME = 'hyperdrive:check';
const { values } = parseCommandLine({
  name: NAME,
  usage: `
usage: npm run hyperdrive:check -- --env <environment>

Asks Cloudflare (wrangler hyperdrive get) for each Hyperdrive config that [env.<environment>] of
wrangler.toml binds, and exits 1 unless every one has its query cache disabled. Needs what
\`wrangler deploy\` needs (CLOUDFLARE_API_TOKEN, CLOUDFLARE_ACCOUNT_ID), the token with
Account > Hyperdrive > Read. Fix a config that caches with
  npx wrangler hyperdrive update <id> --caching-disabled
`,
  options: { env: { type: 'string' } },
});

if (!values.env) usageError(NAME, '--env is required (staging, production, ...)');
let bindings: { binding: string; id: string }[];
try {
  bindings = wranglerSection(values.env).hyperdrive ?? [];
} catch (error) {
  usageError(NAME, (error as Error).message);
}
if (bindings.length === 0) fail(NAME, `[env.${values.env}] binds no Hyperdrive config`);

const problems: string[] = [];
for (const { binding, id } of bindings) {
  const config = await hyperdriveConfig(id);
  const problem = cachingProblem(config);
  if (problem) problems.push(`${binding} (${id}): ${problem}`);
  else console.log(`${binding} (${id}): query cache disabled`);
}
if (problems.length) fail(NAME, problems.join('; '));

/** `wrangler hyperdrive get <id>`, parsed; a failure is one line naming the config. */
function hyperdriveConfig(id: string): Promise<unknown> {
  return new Promise((resolve) => {
    execFile(
      path.join(PROJECT_ROOT, 'node_modules', '.bin', 'wrangler'),
      ['hyperdrive', 'get', id],
      { cwd: PROJECT_ROOT, env: { ...process.env, WRANGLER_SEND_METRICS: 'false' }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const json = stdout.slice(stdout.indexOf('{'));
        try {
          if (error) throw error;
          resolve(JSON.parse(json));
        } catch {
          // wrangler's first error line, without its colours and marker.
          const reason = stripVTControlCharacters(stderr)
            .split('\n')
            .map((line) => line.replace(/^✘ \[ERROR\] /, '').trim())
            .find((line) => line !== '');
          fail(NAME, `wrangler hyperdrive get ${id} failed: ${reason ?? String(error)}`);
        }
      },
    );
  });
}
