// A throwaway copy of the checkout for tests of the scripts that rewrite it (`npm run init`,
// `npm run new:resource`): the files git would commit, as they are now (uncommitted changes
// included), committed in a fresh repository, with node_modules linked.
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from './project-root.ts';

const GIT_IDENTITY = {
  GIT_AUTHOR_NAME: 'test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
};

export function git(root: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: root, encoding: 'utf8', env: { ...process.env, ...GIT_IDENTITY } });
}

export interface CheckoutCopy {
  root: string;
  remove(): void;
}

export function copyCheckout(prefix: string): CheckoutCopy {
  const root = mkdtempSync(path.join(tmpdir(), `${prefix}-`));
  const files = git(PROJECT_ROOT, 'ls-files', '-z', '--cached', '--others', '--exclude-standard')
    .split('\0')
    .filter((file) => file && file !== 'node_modules');
  for (const file of files) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    try {
      cpSync(path.join(PROJECT_ROOT, file), path.join(root, file));
    } catch (error) {
      // Deleted in the work tree but not yet in the index: not part of the copy.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), path.join(root, 'node_modules'));
  git(root, 'init', '-q', '-b', 'main');
  // .gitignore's `node_modules/` matches folders only, not the link.
  appendFileSync(path.join(root, '.git', 'info', 'exclude'), '/node_modules\n');
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', 'copy of the checkout');
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
}

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node scripts/<script> ...args` in the copy at `root`, as `npm run` would. */
export function runScript(root: string, script: string, args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join('scripts', script), ...args],
      { cwd: root, env: { ...process.env, ...GIT_IDENTITY }, timeout: 300_000 },
      (error, stdout, stderr) => resolve({ code: error ? (error.code as number | null) : 0, stdout, stderr }),
    );
  });
}

/** drizzle-kit's answer to `generate` in the copy: what `npm run db:generate` would print. */
export function drizzleKitGenerate(root: string): string {
  const run = spawnSync(path.join(root, 'node_modules', '.bin', 'drizzle-kit'), ['generate'], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return `${run.stdout}${run.stderr}`;
}
