// `npm run db:query -- "<sql>"`: runs SQL on DATABASE_URL (shell or .dev.vars), or on the local
// database, and prints the rows as a table. The confirming commands of docs/runbooks.md and
// docs/debugging-matrix.md use it (pg_stat_activity, pg_stat_statements, EXPLAIN), so they work
// on any machine with Node and no psql.
import type pg from 'pg';
import { withPgClient } from './lib/pg-client.ts';
import { withTargetDatabase } from './lib/target-database.ts';
import { formatTable } from './lib/text-table.ts';

const sql = process.argv.slice(2).join(' ').trim();
if (!sql) {
  console.error('usage: npm run db:query -- "<sql>"');
  process.exit(2);
}

await withTargetDatabase(async (url, label) => {
  await withPgClient(
    url,
    async (client) => {
      const results = await client.query(sql);
      console.log(`-- ${label}`);
      for (const result of Array.isArray(results) ? results : [results]) printResult(result);
    },
    'db:query',
  );
});

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
