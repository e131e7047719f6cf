// `npm run check:deps`: the supply chain that `npm ci` on one Linux machine does not check. CI runs
// it right after `npm ci`, so a dependency upgrade (Renovate's or anyone's) cannot merge while it fails.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { actionPins } from './lib/action-pins.ts';
import { fail, parseCommandLine } from './lib/cli.ts';
import { checkPlatformBuilds, formatMissingBuild, type PackageLock } from './lib/platform-builds.ts';
import { PROJECT_ROOT } from './lib/project-root.ts';
import { compatibilitySettings, installedWorkerds, type Workerd, workerdRejection } from './lib/workerd-compat-date.ts';
import { WRANGLER_CONFIG } from './lib/wrangler-config.ts';

const PROJECT_LOCKFILE = path.join(PROJECT_ROOT, 'package-lock.json');

const { values } = parseCommandLine({
  name: 'check:deps',
  usage: `
usage: npm run check:deps [-- --lockfile <file>]

Fails (exit 1), naming what is wrong, when
  - package-lock.json lacks a platform build that a package declares (workerd, esbuild, biome,
    ...): it was written against a registry without that build, and \`npm ci\` fails elsewhere;
  - an installed workerd refuses wrangler.toml's compatibility_date or compatibility_flags;
  - a workflow in .github/workflows uses an action by tag, not by full commit SHA.
--lockfile checks another lockfile (default: package-lock.json); workerd is the installed one.`,
  options: { lockfile: { type: 'string', default: PROJECT_LOCKFILE } },
});

const lock = readLockfile(values.lockfile);
let failed = false;

const builds = checkPlatformBuilds(lock);
const names = [...new Set(builds.packages.map((name) => name.slice(0, name.lastIndexOf('@'))))];
console.log(`check:deps: ${builds.packages.length} packages with platform builds: ${names.join(', ')}`);
if (builds.missing.length > 0) {
  for (const missing of builds.missing) console.error(`check:deps: ${formatMissingBuild(missing)}`);
  console.error(
    'check:deps: `npm ci` fails wherever the registry has these builds ("Missing: ... from lock file"). ' +
      'Regenerate package-lock.json against a registry that has every build, or hold the upgrade back.',
  );
  failed = true;
}

const settings = readCompatibilitySettings();
for (const workerd of installedWorkerds(readLockfile(PROJECT_LOCKFILE))) {
  for (const { section, date, flags } of settings) {
    const subject = `${section}: compatibility_date ${date}, flags [${flags.join(', ')}]`;
    const rejection = runWorkerd(workerd, date, flags);
    if (!rejection) {
      console.log(`check:deps: ${subject}: accepted by workerd ${workerd.version} (${workerd.location})`);
      continue;
    }
    console.error(`check:deps: ${subject}: workerd ${workerd.version} (${workerd.location}) refuses it:`);
    console.error(`  ${rejection.replaceAll('\n', '\n  ')}`);
    console.error('check:deps: set wrangler.toml to what workerd accepts: a date at or before the newest it names.');
    failed = true;
  }
}

const actions = actionPins(path.join(PROJECT_ROOT, '.github', 'workflows'));
console.log(`check:deps: ${actions.uses.length} actions used in .github/workflows`);
for (const { file, line, uses } of actions.unpinned) {
  console.error(`check:deps: ${path.relative(PROJECT_ROOT, file)}:${line}: \`uses: ${uses}\` is not pinned`);
  console.error('  pin it to a full commit SHA with its tag in a comment: uses: owner/repo@<40 hex> # v1.2.3');
  failed = true;
}

if (failed) process.exitCode = 1;
else console.log('check:deps: ok');

function readLockfile(file: string): PackageLock {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as PackageLock;
  } catch (error) {
    return fail('check:deps', `cannot read ${file}: ${error instanceof Error ? error.message : error}`);
  }
}

function readCompatibilitySettings() {
  try {
    return compatibilitySettings(WRANGLER_CONFIG);
  } catch (error) {
    return fail('check:deps', error instanceof Error ? error.message : String(error));
  }
}

function runWorkerd(workerd: Workerd, date: string, flags: string[]): string | undefined {
  try {
    return workerdRejection(workerd, date, flags);
  } catch (error) {
    return fail(
      'check:deps',
      `cannot run workerd from ${workerd.location} (run \`npm ci\`): ${error instanceof Error ? error.message.split('\n')[0] : error}`,
    );
  }
}
