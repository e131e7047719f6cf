// The plan checks of `npm run db:explain` on a seeded database: index-driven plans pass; a sort
// the index should have provided, a sequential scan of a large table and an unused index fail.
// Whether the app's own critical queries pass is checked by `npm run db:explain` in .ci/run.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createScratchDatabase, type ScratchDatabase } from '../lib/scratch-database.ts';
import { explainCriticalQueries, formatReports, prepareDatabase } from './explain.ts';
import { CRITICAL_QUERIES, type CriticalQuery } from './queries.ts';
import { volumeAt } from './seed.ts';

let database: ScratchDatabase;

beforeAll(async () => {
  database = await createScratchDatabase(inject('databaseUrl'), 'explain_test');
  await prepareDatabase(database.url, volumeAt(0.05));
});

afterAll(async () => {
  await database?.drop();
});

const personalPage = (orderBy: string): CriticalQuery => ({
  name: `personal page, order by ${orderBy}`,
  source: 'test',
  sql: `select "id", "name" from "projects"
    where "user_id" = (select "id" from "users" where "clerk_user_id" = $1) and "id" < $2
    order by ${orderBy} limit 51`,
  params: (s) => [s.personalClerkUserId, s.personalCursor],
  indexes: ['projects_user_id_id_idx'],
});

describe('plan checks', () => {
  it('pass an index lookup and a page read in index order', async () => {
    const reports = await explainCriticalQueries(database.url, [
      {
        name: 'user by Clerk id',
        source: 'test',
        sql: 'select "id" from "users" where "clerk_user_id" = $1',
        params: (s) => [s.clerkUserId],
        indexes: ['users_clerk_user_id_key'],
      },
      personalPage('"id" desc nulls last'),
    ]);
    expect(reports.map((r) => [r.query.name, r.plan.problems])).toEqual([
      ['user by Clerk id', []],
      ['personal page, order by "id" desc nulls last', []],
    ]);
    expect(reports[1]!.plan.rows).toBe(51);
  });

  it('fail a sort that the index order should have provided (DESC is NULLS FIRST; the index is NULLS LAST)', async () => {
    const [report] = await explainCriticalQueries(database.url, [personalPage('"id" desc')]);
    expect(report!.plan.nodes).toContain('Sort');
    expect(report!.plan.problems).toContainEqual(expect.stringMatching(/^Sort: the ORDER BY does not match/));
  });

  it('fail a sequential scan of a large table, and a plan without the intended index', async () => {
    const [report] = await explainCriticalQueries(database.url, [
      {
        name: 'project by name',
        source: 'test',
        sql: 'select "id" from "projects" where "name" = $1',
        params: () => ['Project 42'],
        indexes: ['projects_name_idx'],
      },
    ]);
    expect(report!.plan.problems).toEqual([
      'Seq Scan on projects: reads the whole table; the query needs an index it can use',
      'does not use projects_name_idx (uses no index)',
    ]);
    expect(formatReports([report!])).toMatch(/project by name +\| Seq Scan .*\| FAIL/);
  });
});

describe('the critical queries', () => {
  it('all run against the current schema with realistic parameters', async () => {
    const reports = await explainCriticalQueries(database.url);
    expect(reports.map((r) => r.query.name)).toEqual(CRITICAL_QUERIES.map((q) => q.name));
    for (const { plan } of reports) expect(plan.nodes.length).toBeGreaterThan(0);
    const prune = reports.find((r) => r.query.writes)!;
    expect(prune.plan.nodes).toEqual(['ModifyTable', 'Limit', 'Index Scan', 'Tid Scan']);
  });
});
