// Runs squawk (the `squawk-cli` npm package: a Postgres migration linter, a native binary shipped
// per platform as an optional dependency, no download, works offline) with the settings in
// .squawk.toml, and returns its findings with 1-based lines.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../lib/project-root.ts';

export interface SquawkFinding {
  file: string;
  /** 1-based line and 0-based column where the finding starts, as in the file. */
  line: number;
  column: number;
  rule: string;
  message: string;
  help: string | null;
}

const BIN = path.join(PROJECT_ROOT, 'node_modules', '.bin', process.platform === 'win32' ? 'squawk.cmd' : 'squawk');
const CONFIG = path.join(PROJECT_ROOT, '.squawk.toml');

/**
 * drizzle's migrator runs a migration in a transaction, which squawk must know to judge it (e.g. an
 * index on a table created in the same transaction blocks nobody); no-transaction migrations are
 * linted as such.
 */
export function runSquawk(files: string[], inTransaction: boolean): SquawkFinding[] {
  if (files.length === 0) return [];
  if (!existsSync(BIN)) throw new Error('squawk is not installed: run `npm install` (with optional dependencies)');
  const result = spawnSync(
    BIN,
    [
      '--config',
      CONFIG,
      '--reporter',
      'json',
      inTransaction ? '--assume-in-transaction' : '--no-assume-in-transaction',
      ...files,
    ],
    {
      encoding: 'utf8',
      shell: process.platform === 'win32',
      // We print our own GitHub annotations; squawk's would corrupt its JSON output.
      env: { ...process.env, SQUAWK_DISABLE_GITHUB_ANNOTATIONS: 'true' },
    },
  );
  if (result.error) throw result.error;
  if (result.status !== 0 && result.status !== 1) {
    throw new Error(`squawk failed (exit ${result.status}): ${result.stderr || result.stdout}`);
  }
  const raw = JSON.parse(result.stdout || '[]') as {
    file: string;
    line: number;
    column: number;
    rule_name: string;
    message: string;
    help: string | null;
  }[];
  return raw.map((finding) => ({
    file: path.resolve(finding.file),
    line: finding.line + 1,
    column: finding.column,
    rule: finding.rule_name,
    message: finding.message,
    help: finding.help,
  }));
}
