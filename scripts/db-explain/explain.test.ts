// The plan checks of `npm run db:explain` on a seeded database: index-driven plans pass; a sort the
// index should have provided, a sequential scan of a large table and an unused index fail; every
// critical path of the app (the core's and each resource's) runs and is explained. Whether those
// paths pass is what `npm run db:explain` checks in .ci/run. Only core tables here, so the test
// holds whatever resources a clone has.
import { asc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { users, webhookEvents } from '../../db/schema.ts';
import { createScratchDatabase, type ScratchDatabase } from '../lib/scratch-database.ts';
import { explainCriticalPaths, formatReports, prepareDatabase } from './explain.ts';
import type { CriticalPath } from './paths.ts';
import { CORE_PATHS } from './queries.ts';
import { resourceExplains } from './resources.ts';

let database: ScratchDatabase;

beforeAll(async () => {
  database = await createScratchDatabase(inject('databaseUrl'), 'explain_test');
  await prepareDatabase(database.url, 0.05);
});

afterAll(async () => {
  await database?.drop();
});

// users_clerk_user_id_key is ASC NULLS LAST; read forward or backward it gives ASC NULLS LAST or
// DESC NULLS FIRST, never ASC NULLS FIRST.
const usersPage = (name: string, order: 'index order' | 'nulls first'): CriticalPath => ({
  name,
  source: 'test',
  run: (db) =>
    db
      .select({ id: users.id })
      .from(users)
      .orderBy(order === 'index order' ? asc(users.clerkUserId) : sql`${users.clerkUserId} asc nulls first`)
      .limit(51),
  indexes: ['users_clerk_user_id_key'],
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
      usersPage('users page', 'index order'),
    ]);
    expect(reports.map((r) => [r.path.name, r.plan.problems])).toEqual([
      ['user by Clerk id', []],
      ['users page', []],
    ]);
    expect(reports[1]!.plan.rows).toBe(51);
  });

  it('fail a sort that the index order should have provided', async () => {
    const [report] = await explainCriticalPaths(database.url, [usersPage('users page', 'nulls first')]);
    expect(report!.plan.nodes).toContain('Sort');
    // The planner reads the whole table and sorts it: all three are reported.
    expect(report!.plan.problems).toEqual([
      'Sort: the ORDER BY does not match the index order (columns, direction, NULLS)',
      'Seq Scan on users: reads the whole table; the query needs an index it can use',
      'does not use users_clerk_user_id_key (uses no index)',
    ]);
  });

  it('fail a sequential scan of a large table, and a path that misses its index', async () => {
    const [report] = await explainCriticalPaths(database.url, [
      {
        name: 'ledger by event type',
        source: 'test',
        run: (db) =>
          db.select({ id: webhookEvents.id }).from(webhookEvents).where(eq(webhookEvents.eventType, 'user.deleted')),
        indexes: ['webhook_events_event_type_idx'],
      },
    ]);
    expect(report!.plan.problems).toEqual([
      'Seq Scan on webhook_events: reads the whole table; the query needs an index it can use',
      'does not use webhook_events_event_type_idx (uses no index)',
    ]);
    expect(formatReports([report!])).toMatch(/ledger by event type +\| Seq Scan on webhook_events .*\| FAIL$/m);
  });
});

describe('the critical paths', () => {
  it("run through the app's own query code, the core's and every resource's, each statement explained", async () => {
    const reports = await explainCriticalPaths(database.url);
    const resourcePaths: string[] = [];
    for (const resource of await resourceExplains()) {
      const { explain } = (await import(`../../src/${resource.folder}/explain.ts`)) as {
        explain: { paths: { name: string }[] };
      };
      resourcePaths.push(...explain.paths.map((path) => path.name));
    }
    expect([...new Set(reports.map((r) => r.path.name))]).toEqual([...CORE_PATHS.map((p) => p.name), ...resourcePaths]);
    for (const { sql: statement, plan } of reports) {
      expect(statement).toMatch(/^\s*(select|with|insert|update|delete)\b/i);
      expect(plan.nodes.length).toBeGreaterThan(0);
    }
  });
});
