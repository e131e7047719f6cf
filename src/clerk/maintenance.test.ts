// Reconciliation against the local fake of Clerk's Backend API, ledger pruning, and replay.
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { describe, expect, it } from 'vitest';
import { executeRows } from '../../db/client.ts';
import { clerkEvents, clerkOrganizationObject, clerkUserObject } from '../../scripts/lib/clerk-events.ts';
import { arrangeClerk } from '../../test/clerk-api.ts';
import { testDb, uniqueId } from '../../test/helpers.ts';
import { deliver, ledgerRows, svixId, syncedState } from '../../test/webhooks.ts';
import { clerkApiConfig } from '../config.ts';
import worker from '../index.ts';
import { processDelivery } from './deliveries.ts';
import { failedDeliveries, pruneLedger, uuidv7Floor } from './ledger.ts';
import { reconcileClerk } from './reconcile.ts';

const api = clerkApiConfig(env);

async function withDb<T>(work: (db: ReturnType<typeof testDb>['db']) => Promise<T>): Promise<T> {
  const { db, close } = testDb();
  try {
    return await work(db);
  } finally {
    await close();
  }
}

describe('reconciliation from the Clerk Backend API', () => {
  it('repairs drift through the winner rule, page by page, and waits out a short 429', async () => {
    const marker = uniqueId('rec');
    const users = Array.from({ length: 5 }, (_, n) => ({
      id: `user_${marker}_${n}`,
      email: `${n}@${marker}.test`,
      updatedAt: 10_000 + n,
    }));
    // Locally: user 0 holds newer data (webhook already applied), user 1 was deleted.
    await deliver(clerkEvents.user('user.updated', { ...users[0]!, email: 'newer@example.com', updatedAt: 99_000 }));
    await deliver(clerkEvents.userDeleted(users[1]!.id, 5_000));
    await arrangeClerk({
      users: users.map(clerkUserObject),
      organizations: [clerkOrganizationObject({ id: `org_${marker}`, name: 'Reconciled', updatedAt: 10_000 })],
      failures: [{ path: '/v1/users', status: 429, retryAfter: 0, times: 1 }],
    });

    const report = await withDb((db) =>
      reconcileClerk(db, api, { maxPages: 1_000, pageSize: 2, maxRetryAfterSeconds: 5 }),
    );
    expect(report.stoppedEarly).toBeUndefined();

    const state = await syncedState(marker);
    expect(state.users.map((user) => [user.clerk_user_id, user.email, user.deleted_at === null])).toEqual([
      [users[0]!.id, 'newer@example.com', true], // stale API copy lost to the newer webhook
      [users[1]!.id, null, false], // tombstone wins
      [users[2]!.id, users[2]!.email, true],
      [users[3]!.id, users[3]!.email, true],
      [users[4]!.id, users[4]!.email, true],
    ]);
    expect(state.organizations).toMatchObject([{ name: 'Reconciled', source_event_id: 'api' }]);

    // A second run finds nothing to change.
    const again = await withDb((db) =>
      reconcileClerk(db, api, { maxPages: 1_000, pageSize: 2, maxRetryAfterSeconds: 5 }),
    );
    expect(again.users.applied + again.organizations.applied).toBe(0);
  });

  it('ends the run on a long Retry-After instead of waiting', async () => {
    await arrangeClerk({ failures: [{ path: '/v1/users', status: 429, retryAfter: 3600, times: 1 }] });
    const report = await withDb((db) => reconcileClerk(db, api, { maxPages: 1, pageSize: 2, maxRetryAfterSeconds: 5 }));
    expect(report.stoppedEarly).toMatch(/HTTP 429 \(Retry-After: 60\)/);
  });

  it('runs from the Cron Trigger', async () => {
    const marker = uniqueId('cron');
    await arrangeClerk({
      users: [clerkUserObject({ id: `user_${marker}`, email: `${marker}@example.com`, updatedAt: Date.now() })],
    });
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ cron: '*/30 * * * *', scheduledTime: new Date() }), env, ctx);
    await waitOnExecutionContext(ctx);
    expect((await syncedState(marker)).users).toMatchObject([
      { email: `${marker}@example.com`, source_event_id: 'api' },
    ]);
  });
});

describe('ledger maintenance', () => {
  it('prunes rows past the retention by primary-key range, keeping failed ones', async () => {
    const longAgo = new Date(Date.now() - 40 * 86_400_000);
    const oldId = uuidv7Floor(longAgo).replace(/0{12}$/, '000000000001');
    const oldFailedId = uuidv7Floor(longAgo).replace(/0{12}$/, '000000000002');
    const [oldSvix, failedSvix, freshSvix] = [svixId(), svixId(), svixId()];
    await withDb(async (db) => {
      await executeRows(
        db,
        sql`insert into webhook_events (id, svix_id, event_type, outcome, payload) values
          (${oldId}, ${oldSvix}, 'user.updated', 'applied', '\\x7b7d'),
          (${oldFailedId}, ${failedSvix}, 'user.updated', 'failed', '\\x7b7d'),
          (${uuidv7()}, ${freshSvix}, 'user.updated', 'applied', '\\x7b7d')`,
      );
      expect(await pruneLedger(db)).toBeGreaterThanOrEqual(1);
    });
    expect((await ledgerRows([oldSvix, failedSvix, freshSvix])).map((row) => row.svix_id).sort()).toEqual(
      [failedSvix, freshSvix].sort(),
    );
  });

  it('replays failed events through the webhook code once they are valid', async () => {
    const id = uniqueId('user');
    const event = clerkEvents.user('user.created', { id, email: `${id}@example.com`, updatedAt: 1_000 });
    const [fixed, stillBroken] = [svixId(), svixId()];
    const payload = (value: unknown) => `\\x${Buffer.from(JSON.stringify(value)).toString('hex')}`;
    // As if an older release had rejected a valid event, plus one that is still invalid.
    await withDb((db) =>
      executeRows(
        db,
        sql`insert into webhook_events (id, svix_id, event_type, outcome, error, payload) values
          (${uuidv7()}, ${fixed}, 'user.created', 'failed', 'old schema', ${payload(event)}::bytea),
          (${uuidv7()}, ${stillBroken}, 'user.created', 'failed', 'old schema', ${payload({ type: 'user.created', data: {} })}::bytea)`,
      ),
    );
    await withDb(async (db) => {
      const failed = (await failedDeliveries(db, 10_000)).filter((delivery) =>
        [fixed, stillBroken].includes(delivery.svixId),
      );
      expect(failed).toHaveLength(2);
      for (const delivery of failed) await processDelivery(db, delivery.svixId, delivery.payload);
    });
    expect(await ledgerRows([fixed, stillBroken].sort())).toEqual(
      [
        { svix_id: fixed, outcome: 'applied', error: null, attempts: 2, event_type: 'user.created' },
        {
          svix_id: stillBroken,
          outcome: 'failed',
          error: expect.stringContaining('data.id'),
          attempts: 2,
          event_type: 'user.created',
        },
      ].sort((a, b) => a.svix_id.localeCompare(b.svix_id)),
    );
    expect((await syncedState(id)).users).toMatchObject([{ email: `${id}@example.com` }]);
  });
});
