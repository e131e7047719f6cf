// Which migrations `npm run db:lint` checks by default: the ones new relative to the main branch.
// - On a branch: what differs from the merge base with origin/main (or main), committed or not.
// - On main itself (nothing is new): what the last commit changed, so a push or merge to main is
//   checked, plus uncommitted files.
// - No git, or no such ref: every migration.
// `--all` lints every migration; `--base <ref>` picks the ref.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, realpathSync } from 'node:fs';
import path from 'node:path';

export interface Selection {
  files: string[];
  /** How the files were chosen, for the report. */
  description: string;
}

const isMigration = (name: string) => name.endsWith('.sql') && !name.endsWith('.down.sql');

export function allMigrations(folder: string): string[] {
  return readdirSync(folder)
    .filter(isMigration)
    .sort()
    .map((name) => path.join(folder, name));
}

export function newMigrations(folder: string, baseRef?: string): Selection {
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: folder, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  const tryGit = (...args: string[]) => {
    try {
      return git(...args);
    } catch {
      return undefined;
    }
  };
  const ref =
    baseRef ?? ['origin/main', 'main'].find((candidate) => tryGit('rev-parse', '--verify', '--quiet', candidate));
  const head = tryGit('rev-parse', 'HEAD');
  if (!ref || !head)
    return { files: allMigrations(folder), description: 'every migration (no main branch to compare with)' };
  let base = tryGit('merge-base', 'HEAD', ref);
  if (!base) throw new Error(`db:lint: no common history between HEAD and ${ref}`);
  let description = `new since ${ref} (merge base ${base.slice(0, 7)})`;
  if (base === head) {
    base = tryGit('rev-parse', '--verify', '--quiet', 'HEAD~1');
    if (!base) return { files: allMigrations(folder), description: 'every migration (first commit)' };
    description = `changed by the last commit (HEAD is ${ref}; --all lints every migration)`;
  }
  const root = git('rev-parse', '--show-toplevel');
  const changed = git('diff', '--name-only', '--diff-filter=d', base, '--', '.').split('\n');
  const untracked = git('ls-files', '--others', '--exclude-standard', '--full-name', '--', '.').split('\n');
  const files = [...new Set([...changed, ...untracked])]
    .filter((name) => name && isMigration(name))
    .map((name) => path.join(root, name))
    .filter((file) => existsSync(file) && path.dirname(file) === realpathSync(folder))
    .sort();
  return { files, description };
}
