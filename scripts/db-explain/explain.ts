// Seeds a database and explains every critical query on it (queries.ts), with the query plans
// judged by plan.ts. Used by `npm run db:explain` on a throwaway server, and by its test.
import pg from 'pg';
import { applyMigrations } from '../lib/migrations.ts';
import { type PlanSummary, summarizePlan } from './plan.ts';
import { CRITICAL_QUERIES, type CriticalQuery } from './queries.ts';
import { pickSamples, seed, type Volume } from './seed.ts';

export interface QueryReport {
  query: CriticalQuery;
  plan: PlanSummary;
}

export interface Timings {
  migrateMs: number;
  seedMs: number;
  analyzeMs: number;
}

/** Migrations, seed rows, VACUUM ANALYZE (statistics and the visibility map, as autovacuum would). */
export async function prepareDatabase(url: string, volume: Volume): Promise<Timings> {
  const started = Date.now();
  await applyMigrations(url);
  const migrated = Date.now();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await seed(client, volume);
    const seeded = Date.now();
    await client.query('vacuum analyze');
    return { migrateMs: migrated - started, seedMs: seeded - migrated, analyzeMs: Date.now() - seeded };
  } finally {
    await client.end();
  }
}

export async function explainCriticalQueries(url: string, queries = CRITICAL_QUERIES): Promise<QueryReport[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const samples = await pickSamples(client);
    // Every table with more than a few pages is "large": the seed makes all of them so.
    const { rows: large } = await client.query<{ relname: string }>(
      `select relname from pg_class where relkind = 'r' and relnamespace = 'public'::regnamespace and relpages > 10`,
    );
    const largeTables = new Set(large.map((row) => row.relname));
    const reports: QueryReport[] = [];
    for (const query of queries) {
      if (query.writes) await client.query('begin');
      try {
        const { rows } = await client.query<{ 'QUERY PLAN': [never] }>(
          `explain (analyze, buffers, format json) ${query.sql}`,
          query.params(samples),
        );
        const output = rows[0]!['QUERY PLAN'][0];
        reports.push({ query, plan: summarizePlan(output, query.indexes, largeTables) });
      } finally {
        if (query.writes) await client.query('rollback');
      }
    }
    return reports;
  } finally {
    await client.end();
  }
}

/** The report as a table: query, plan nodes, indexes, rows, time, buffers, verdict. */
export function formatReports(reports: QueryReport[]): string {
  const header = ['query', 'plan', 'index', 'rows', 'ms', 'buffers hit/read', 'verdict'];
  const rows = reports.map(({ query, plan }) => [
    query.name,
    plan.nodes.join(' > '),
    plan.indexes.join(', '),
    String(plan.rows),
    plan.ms.toFixed(2),
    `${plan.hitBlocks}/${plan.readBlocks}`,
    plan.problems.length === 0 ? 'ok' : 'FAIL',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-+-'), ...rows.map(line)].join('\n');
}
