// What is in migrations/: the migrations drizzle's journal lists, how each must run, and how each
// is undone. The conventions (all documented in docs/migrations.md):
// - `-- migration: no-transaction` as the first line: the migration runs outside a transaction,
//   one statement (ended by `--> statement-breakpoint`) at a time. Needed by CREATE INDEX
//   CONCURRENTLY, and by VALIDATE CONSTRAINT so it does not share a transaction with the lock
//   taken by ADD CONSTRAINT ... NOT VALID.
// - Rollback instructions: a sibling `NNNN_name.down.sql`, or a comment block in the migration:
//     -- rollback:
//     -- DROP INDEX CONCURRENTLY IF EXISTS "users_email_idx";
//   or, when nothing can undo it, `-- rollback: irreversible -- <why, and what to do instead>`.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from './project-root.ts';

export const MIGRATIONS_FOLDER = path.join(PROJECT_ROOT, 'migrations');
export const NO_TRANSACTION_MARKER = '-- migration: no-transaction';
const STATEMENT_BREAKPOINT = '--> statement-breakpoint';

export interface Migration {
  tag: string;
  file: string;
  /** The file's text. */
  sql: string;
  /** The file split at drizzle-kit's breakpoints, as drizzle's migrator runs it. */
  statements: string[];
  /** The journal's timestamp: migrations apply in its order, and it marks them applied. */
  when: number;
  noTransaction: boolean;
}

export type Rollback =
  | { kind: 'sql'; sql: string; source: string }
  | { kind: 'irreversible'; reason: string; source: string };

/** The migrations in journal order; files the journal does not list are never run. */
export function readMigrations(folder = MIGRATIONS_FOLDER): Migration[] {
  return readJournal(folder).map(({ tag, when }) => {
    const file = path.join(folder, `${tag}.sql`);
    const sql = readFileSync(file, 'utf8');
    return { tag, file, sql, statements: sql.split(STATEMENT_BREAKPOINT), when, noTransaction: isNoTransaction(sql) };
  });
}

export interface JournalEntry {
  idx: number;
  tag: string;
  when: number;
}

export function readJournal(folder = MIGRATIONS_FOLDER): JournalEntry[] {
  const journal = JSON.parse(readFileSync(path.join(folder, 'meta', '_journal.json'), 'utf8')) as {
    entries: JournalEntry[];
  };
  return journal.entries;
}

export function isNoTransaction(sql: string): boolean {
  return sql.trimStart().split('\n', 1)[0]!.trim() === NO_TRANSACTION_MARKER;
}

export function downFileOf(migrationFile: string): string {
  return migrationFile.replace(/\.sql$/, '.down.sql');
}

/** The rollback instructions of a migration file, or undefined when it has none. */
export function readRollback(migrationFile: string): Rollback | undefined {
  const downFile = downFileOf(migrationFile);
  if (existsSync(downFile)) {
    return { kind: 'sql', sql: readFileSync(downFile, 'utf8'), source: path.basename(downFile) };
  }
  const lines = readFileSync(migrationFile, 'utf8').split(/\r?\n/);
  const source = `${path.basename(migrationFile)} (-- rollback: block)`;
  for (const [index, line] of lines.entries()) {
    // Anywhere on the line: drizzle-kit ends its files without a newline, so an appended block may
    // start right after the last statement.
    const marker = /--\s*rollback:\s*(.*)$/.exec(line.trim());
    if (!marker) continue;
    const rest = marker[1]!.trim();
    const irreversible = /^irreversible\s*(?:--\s*(.*))?$/.exec(rest);
    if (irreversible) return { kind: 'irreversible', reason: irreversible[1]?.trim() ?? '', source };
    if (rest !== '') continue; // e.g. a sentence that happens to contain "rollback:"
    const body: string[] = [];
    for (const next of lines.slice(index + 1)) {
      if (!next.trim().startsWith('--')) break;
      body.push(next.trim().replace(/^--\s?/, ''));
    }
    if (body.join('').trim() !== '') return { kind: 'sql', sql: `${body.join('\n')}\n`, source };
  }
  return undefined;
}
