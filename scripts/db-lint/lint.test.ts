// `npm run db:lint` on known-bad and known-good migrations (fixtures/), on the repo's own
// migrations, and on a throwaway git repository for "new relative to main".
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { timeBudget } from '../../test/budget.ts';
import { MIGRATIONS_FOLDER } from '../lib/migration-files.ts';
import { PROJECT_ROOT } from '../lib/project-root.ts';
import { allMigrations, newMigrations } from './changed.ts';
import { formatFinding, lintFiles, lintJournal } from './lint.ts';

const FIXTURES = path.join(import.meta.dirname, 'fixtures');
const bad = (name: string) => path.join(FIXTURES, 'bad', name);

// Each known-bad migration, the rule that must catch it, and the line it must point at.
const BAD: [file: string, rule: string, line: number][] = [
  ['drop-column.sql', 'drop', 1],
  ['drop-table.sql', 'drop', 1],
  ['rename-column.sql', 'rename', 1],
  ['column-type.sql', 'column-type', 1],
  ['set-not-null.sql', 'set-not-null', 1],
  ['add-column-not-null.sql', 'add-column-not-null', 1],
  ['index-not-concurrent.sql', 'index-not-concurrent', 1],
  ['foreign-key-without-not-valid.sql', 'constraint-not-valid', 2],
  ['concurrently-in-transaction.sql', 'concurrently-in-transaction', 1],
  ['no-transaction-two-statements.sql', 'one-statement-per-breakpoint', 3],
  ['rollback-missing.sql', 'rollback-missing', 1],
  ['irreversible-without-reason.sql', 'rollback-missing', 1],
  ['allow-without-reason.sql', 'lint-annotation', 2],
  ['allow-unused.sql', 'lint-annotation', 2],
  ['squawk-rule.sql', 'prefer-text-field', 1],
];

describe('known-bad migrations', () => {
  it('has a case for every fixture', () => {
    const cases = new Set([...BAD.map(([file]) => file), 'squawk-ignore.sql']);
    expect(readdirSync(path.join(FIXTURES, 'bad')).sort()).toEqual([...cases].sort());
  });

  it.each(BAD)('%s is caught by %s at line %i, with a readable message', (file, rule, line) => {
    const findings = lintFiles([bad(file)]);
    expect(findings.map((f) => [f.rule, f.line])).toEqual([[rule, line]]);
    const message = formatFinding(findings[0]!, PROJECT_ROOT);
    expect(message).toContain(`scripts/db-lint/fixtures/bad/${file}:${line}: ${rule}`);
    expect(message).toMatch(/\n {2}risk: {2}\S.{20,}\n {2}fix: {3}\S.{20,}/);
  });

  it('rejects squawk-ignore comments but still reports what they hide', () => {
    const findings = lintFiles([bad('squawk-ignore.sql')]);
    expect(findings.map((f) => [f.rule, f.line])).toEqual([
      ['lint-annotation', 1],
      ['drop', 2],
    ]);
  });

  it('reports a squawk finding that a project rule covers once, under the project rule', () => {
    // squawk also reports ban-drop-column here; one acknowledgement (`allow drop`) covers both.
    expect(lintFiles([bad('drop-column.sql')]).map((f) => f.rule)).toEqual(['drop']);
  });

  it('fails the command with exit code 1 and prints file:line, rule, risk and fix', {
    timeout: timeBudget({ processes: 1 }),
  }, () => {
    const run = spawnSync(process.execPath, ['scripts/db-lint.ts', bad('index-not-concurrent.sql')], {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain(
      'scripts/db-lint/fixtures/bad/index-not-concurrent.sql:1: index-not-concurrent (project rule)',
    );
    expect(run.stdout).toContain('CREATE INDEX CONCURRENTLY in a migration of its own');
    expect(run.stdout).toContain('-- lint: allow index-not-concurrent -- <reason>');
  });
});

describe('known-good migrations', () => {
  const good = readdirSync(path.join(FIXTURES, 'good'))
    .filter((name) => !name.endsWith('.down.sql'))
    .map((name) => path.join(FIXTURES, 'good', name));

  it.each(good.map((file) => [path.basename(file), file]))('%s passes', (_name, file) => {
    expect(lintFiles([file]).map((f) => formatFinding(f))).toEqual([]);
  });

  it('the command exits 0', { timeout: timeBudget({ processes: 1 }) }, () => {
    const run = spawnSync(process.execPath, ['scripts/db-lint.ts', ...good], { cwd: PROJECT_ROOT, encoding: 'utf8' });
    expect(run.stdout).toContain('db:lint: ok');
    expect(run.status).toBe(0);
  });
});

describe("the repo's own migrations", () => {
  it('pass, journal included', () => {
    const findings = [...lintJournal(MIGRATIONS_FOLDER), ...lintFiles(allMigrations(MIGRATIONS_FOLDER))];
    expect(findings.map((f) => formatFinding(f))).toEqual([]);
  });
});

describe('the journal', () => {
  it('catches a migration missing from the journal, one listed out of order, and an orphan rollback', () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'db-lint-journal-'));
    try {
      mkdirSync(path.join(folder, 'meta'));
      const entries = [
        { idx: 0, version: '7', when: 2000, tag: '0000_a', breakpoints: true },
        { idx: 1, version: '7', when: 1000, tag: '0001_b', breakpoints: true },
      ];
      writeFileSync(path.join(folder, 'meta', '_journal.json'), JSON.stringify({ entries }));
      for (const name of ['0000_a.sql', '0001_b.sql', '0002_c.sql', '0003_d.down.sql']) {
        writeFileSync(path.join(folder, name), 'select 1;\n');
      }
      const findings = lintJournal(folder).map((f) => [path.basename(f.file), f.rule, f.why.split(':')[0]]);
      expect(findings).toEqual([
        ['0001_b.sql', 'journal', "its timestamp is not after 0000_a's"],
        ['0002_c.sql', 'journal', 'not listed in meta/_journal.json'],
        ['0003_d.down.sql', 'journal', 'a rollback file without its migration'],
      ]);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('new relative to main', () => {
  it('is what a branch adds, committed or not; on main, what the last commit added', () => {
    const repo = mkdtempSync(path.join(tmpdir(), 'db-lint-git-'));
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: repo });
    const folder = path.join(repo, 'migrations');
    const add = (name: string) => writeFileSync(path.join(folder, name), 'select 1;\n');
    try {
      mkdirSync(folder);
      git('init', '--quiet', '--initial-branch=main');
      add('0000_init.sql');
      git('add', '.');
      git('commit', '--quiet', '-m', 'init');
      add('0001_main.sql');
      git('add', '.');
      git('commit', '--quiet', '-m', 'main');
      expect(newMigrations(folder).files.map((f) => path.basename(f))).toEqual(['0001_main.sql']);

      git('checkout', '--quiet', '-b', 'feature');
      add('0002_feature.sql');
      add('0002_feature.down.sql');
      git('add', '.');
      git('commit', '--quiet', '-m', 'feature');
      add('0003_uncommitted.sql');
      const selection = newMigrations(folder);
      expect(selection.files.map((f) => path.basename(f))).toEqual(['0002_feature.sql', '0003_uncommitted.sql']);
      expect(selection.description).toMatch(/^new since main/);
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });
});
