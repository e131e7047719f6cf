// `npm run db:query -- "<sql>"`: runs SQL on DATABASE_URL (shell or .dev.vars), or on the local
// database, and prints the rows as a table. The confirming commands of docs/runbooks.md and
// docs/debugging-matrix.md use it (pg_stat_activity, pg_stat_statements, EXPLAIN), so they work
// on any machine with Node and no psql.
import pg from 'pg';
import { parseCommandLine, usageError } from './lib/cli.ts';
import { withPgClient } from './lib/pg-client.ts';
import { withTargetDatabase } from './lib/target-database.ts';
import { formatTable } from './lib/text-table.ts';

const NAME = 'db:query';
const { positionals } = parseCommandLine({
  name: NAME,
  usage: `
usage: npm run db:query -- "<sql>"

Runs the SQL on DATABASE_URL (shell, then .dev.vars), else on the local database "app", and
prints the rows as a table. Several statements separated by ; print one table each.
  npm run db:query -- "select count(*) from users"`,
  options: {},
  allowPositionals: true,
});
const sql = positionals.join(' ').trim();
if (!sql) usageError(NAME, 'no SQL given');

await withTargetDatabase(async (url, label) => {
  await withPgClient(
    url,
    async (client) => {
      const results = await client.query(sql).catch((error: unknown) => {
        if (!(error instanceof pg.DatabaseError)) throw error;
        console.error(describeSqlError(error));
        process.exitCode = 1;
        return [];
      });
      console.log(`-- ${label}`);
      for (const result of Array.isArray(results) ? results : [results]) printResult(result);
    },
    NAME,
  );
});

/** Postgres' message, the statement line it points at with a caret, and its hint: no stack. */
function describeSqlError(error: pg.DatabaseError): string {
  const lines = [`${NAME}: ERROR ${error.code ?? ''}: ${error.message}`];
  const position = Number(error.position);
  if (position > 0) {
    const before = sql.slice(0, position - 1);
    const lineStart = before.lastIndexOf('\n') + 1;
    const lineEnd = sql.indexOf('\n', lineStart);
    const line = sql.slice(lineStart, lineEnd === -1 ? undefined : lineEnd);
    lines.push(`  ${line}`, `  ${' '.repeat(before.length - lineStart)}^ (character ${position})`);
  }
  for (const extra of [error.detail, error.hint && `hint: ${error.hint}`]) if (extra) lines.push(`  ${extra}`);
  return lines.join('\n');
}

function printResult(result: pg.QueryResult): void {
  if (result.fields.length === 0) {
    console.log(`${result.command}${result.rowCount === null ? '' : ` ${result.rowCount}`}`);
    return;
  }
  const names = result.fields.map((field) => field.name);
  const cells = result.rows.map((row) => names.map((name) => cell(row[name])));
  console.log(formatTable(names, cells));
  console.log(`(${result.rows.length} row${result.rows.length === 1 ? '' : 's'})`);
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  // Intervals (pg's PostgresInterval) print as Postgres writes them, e.g. `00:00:03.5`.
  if (typeof (value as { toPostgres?: unknown }).toPostgres === 'function') {
    return (value as { toPostgres(): string }).toPostgres() || '0';
  }
  if (Buffer.isBuffer(value)) return `\\x${value.toString('hex').slice(0, 64)}${value.length > 32 ? '...' : ''}`;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value).replaceAll('\n', ' ');
}
