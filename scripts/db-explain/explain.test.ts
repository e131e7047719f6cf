// The plan checks of `npm run db:explain` on a seeded database: index-driven plans pass; a sort the
// index should have provided, a sequential scan of a large table and an unused index fail; every
// critical path of the app runs and is explained. Whether those paths pass is what
// `npm run db:explain` checks in .ci/run.
import { desc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { projects, users } from '../../db/schema.ts';
import { createScratchDatabase, type ScratchDatabase } from '../lib/scratch-database.ts';
import { explainCriticalPaths, formatReports, prepareDatabase } from './explain.ts';
import { CRITICAL_PATHS, type CriticalPath } from './queries.ts';
import { volumeAt } from './seed.ts';

let database: ScratchDatabase;

beforeAll(async () => {
  database = await createScratchDatabase(inject('databaseUrl'), 'explain_test');
  await prepareDatabase(database.url, volumeAt(0.05));
});

afterAll(async () => {
  await database?.drop();
});

const personalPage = (name: string, order: 'index order' | 'plain desc'): CriticalPath => ({
  name,
  source: 'test',
  run: (db, s) =>
    db
      .select({ id: projects.id })
      .from(projects)
      .where(
        eq(
          projects.userId,
          sql`(select ${users.id} from ${users} where ${users.clerkUserId} = ${s.personalClerkUserId})`,
        ),
      )
      .orderBy(order === 'index order' ? sql`${projects.id} desc nulls last` : desc(projects.id))
      .limit(51),
  indexes: ['projects_user_id_id_idx'],
});

describe('plan checks', () => {
  it('pass an index lookup and a page read in index order', async () => {
    const reports = await explainCriticalPaths(database.url, [
      {
        name: 'user by Clerk id',
        source: 'test',
        run: (db, s) => db.select({ id: users.id }).from(users).where(eq(users.clerkUserId, s.clerkUserId)),
        indexes: ['users_clerk_user_id_key'],
      },
      personalPage('personal page', 'index order'),
    ]);
    expect(reports.map((r) => [r.path.name, r.plan.problems])).toEqual([
      ['user by Clerk id', []],
      ['personal page', []],
    ]);
    expect(reports[1]!.plan.rows).toBe(51);
  });

  it('fail a sort that the index order should have provided (DESC means NULLS FIRST; the index is NULLS LAST)', async () => {
    const [report] = await explainCriticalPaths(database.url, [personalPage('personal page', 'plain desc')]);
    expect(report!.plan.nodes).toContain('Sort');
    expect(report!.plan.problems).toEqual([
      'Sort: the ORDER BY does not match the index order (columns, direction, NULLS)',
    ]);
  });

  it('fail a sequential scan of a large table, and a path that misses its index', async () => {
    const [report] = await explainCriticalPaths(database.url, [
      {
        name: 'project by name',
        source: 'test',
        run: (db) => db.select({ id: projects.id }).from(projects).where(eq(projects.name, 'Project 42')),
        indexes: ['projects_name_idx'],
      },
    ]);
    expect(report!.plan.problems).toEqual([
      'Seq Scan on projects: reads the whole table; the query needs an index it can use',
      'does not use projects_name_idx (uses no index)',
    ]);
    expect(formatReports([report!])).toMatch(/project by name +\| Seq Scan on projects .*\| FAIL$/m);
  });
});

describe('the critical paths', () => {
  it("run through the app's own query code, each statement explained", async () => {
    const reports = await explainCriticalPaths(database.url);
    expect([...new Set(reports.map((r) => r.path.name))]).toEqual(CRITICAL_PATHS.map((p) => p.name));
    for (const { sql: statement, plan } of reports) {
      expect(statement).toMatch(/^\s*(select|with|insert|update|delete)\b/i);
      expect(plan.nodes.length).toBeGreaterThan(0);
    }
  });
});
