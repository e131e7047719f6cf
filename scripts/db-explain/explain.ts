// Seeds a database, runs every critical path (the core's in queries.ts, each resource's in
// `src/<folder>/explain.ts`) through the app's own query code while recording the SQL it sends,
// and explains each statement with the same parameters. Used by `npm run db:explain` on a
// throwaway server, and by its test.
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import type { Database } from '../../db/client.ts';
import * as schema from '../../db/schema.ts';
import { applyMigrations } from '../lib/migrations.ts';
import { withPgClient } from '../lib/pg-client.ts';
import { formatTable } from '../lib/text-table.ts';
import type { CoreSamples, CriticalPath } from './paths.ts';
import { type ExplainOutput, type PlanSummary, summarizePlan } from './plan.ts';
import { CORE_PATHS } from './queries.ts';
import { resourceExplains } from './resources.ts';
import { pickSamples, seed, volumeAt } from './seed.ts';

export interface StatementReport {
  path: CriticalPath;
  /** 1-based position of the statement within the path (most paths send one). */
  statement: number;
  sql: string;
  plan: PlanSummary;
}

export interface Timings {
  migrateMs: number;
  seedMs: number;
  analyzeMs: number;
}

/**
 * Migrations, seed rows (the core's, then each resource's), VACUUM ANALYZE (statistics and the
 * visibility map, as autovacuum would).
 */
export async function prepareDatabase(url: string, scale: number): Promise<Timings> {
  const started = Date.now();
  await applyMigrations(url);
  const migrated = Date.now();
  return withPgClient(url, async (client) => {
    await seed(client, volumeAt(scale));
    for (const resource of await resourceExplains()) await resource.seed(client, scale);
    const seeded = Date.now();
    await client.query('vacuum analyze');
    return { migrateMs: migrated - started, seedMs: seeded - migrated, analyzeMs: Date.now() - seeded };
  });
}

/**
 * Every path runs in a transaction that is rolled back (writes included), once to record its
 * statements and once per statement under EXPLAIN ANALYZE, so each sees the seeded data.
 */
export async function explainCriticalPaths(url: string, only?: CriticalPath[]): Promise<StatementReport[]> {
  const client = new pg.Client({ connectionString: url, application_name: 'db:explain' });
  await client.connect();
  const recorded: { sql: string; params: unknown[] }[] = [];
  const db = drizzle({
    client,
    schema,
    logger: { logQuery: (sql, params) => recorded.push({ sql, params }) },
  }) as unknown as Database;
  const rolledBack = async <T>(work: () => PromiseLike<T>): Promise<T> => {
    await client.query('begin');
    try {
      return await work();
    } finally {
      await client.query('rollback');
    }
  };
  try {
    const samples = await pickSamples(client);
    const paths = only ?? [...CORE_PATHS, ...(await allResourcePaths(client))];
    const { rows: large } = await client.query<{ relname: string }>(
      `select relname from pg_class where relkind = 'r' and relnamespace = 'public'::regnamespace and relpages > 10`,
    );
    const largeTables = new Set(large.map((row) => row.relname));
    const reports: StatementReport[] = [];
    for (const path of paths) {
      recorded.length = 0;
      await rolledBack(() => path.run(db, samples));
      const statements = [...recorded];
      if (statements.length === 0) throw new Error(`${path.name} sent no SQL`);
      for (const [index, { sql, params }] of statements.entries()) {
        const { rows } = await rolledBack(() =>
          client.query<{ 'QUERY PLAN': ExplainOutput[] }>(`explain (analyze, buffers, format json) ${sql}`, params),
        );
        const plan = summarizePlan(rows[0]!['QUERY PLAN'][0]!, largeTables);
        reports.push({ path, statement: index + 1, sql, plan });
      }
      const used = reports.filter((r) => r.path === path).flatMap((r) => r.plan.indexes);
      if (!path.indexes.some((index) => used.includes(index))) {
        reports
          .at(-1)!
          .plan.problems.push(`does not use ${path.indexes.join(' or ')} (uses ${used.join(', ') || 'no index'})`);
      }
    }
    return reports;
  } finally {
    await client.end();
  }
}

/** The report as a table: path, plan nodes, indexes, rows, time, buffers, verdict. */
export function formatReports(reports: StatementReport[]): string {
  const header = ['path', 'plan', 'indexes', 'rows', 'ms', 'buffers hit/read', 'verdict'];
  const rows = reports.map(({ path, statement, plan }) => [
    statement === 1 ? path.name : `${path.name} (#${statement})`,
    plan.nodes.join(' > '),
    plan.indexes.join(', '),
    String(plan.rows),
    plan.ms.toFixed(2),
    `${plan.hitBlocks}/${plan.readBlocks}`,
    plan.problems.length === 0 ? 'ok' : 'FAIL',
  ]);
  return formatTable(header, rows);
}

async function allResourcePaths(client: pg.Client): Promise<CriticalPath<CoreSamples>[]> {
  const paths: CriticalPath<CoreSamples>[] = [];
  for (const resource of await resourceExplains()) paths.push(...(await resource.prepare(client)));
  return paths;
}
