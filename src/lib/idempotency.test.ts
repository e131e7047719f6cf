// Expired Idempotency-Key records are deleted by the Cron Trigger, in bounded batches; live ones stay.
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { type Database, executeRows } from '../../db/client.ts';
import { idempotencyKeys } from '../../db/schema.ts';
import { uniqueId, withTestDb } from '../../test/helpers.ts';
import worker from '../index.ts';
import { pruneIdempotencyKeys } from './idempotency.ts';

/**
 * Records marked with `marker` in their request hash: `expired` of them expired a century ago or
 * more (before any other test's, so a prune takes these first), `live` still valid.
 */
const insertRecords = (db: Database, marker: string, counts: { expired: number; live: number }) =>
  db.execute(sql`insert into ${idempotencyKeys} (id, key_hash, request_hash, response, expires_at)
    select gen_random_uuid(), ${marker} || '-' || g, ${marker}, '{}',
      case when g <= ${counts.expired} then now() - interval '100 years' - g * interval '1 minute'
           else now() + interval '1 hour' end
    from generate_series(1, ${counts.expired + counts.live}) as g`);

async function remaining(db: Database, marker: string) {
  const rows = await executeRows<{ key_hash: string }>(
    db,
    sql`select key_hash from ${idempotencyKeys} where request_hash = ${marker} order by key_hash`,
  );
  return rows.map((row) => row.key_hash);
}

describe('Idempotency-Key pruning', () => {
  it('deletes expired records, oldest first, at most a batch size per batch, and keeps live ones', async () => {
    const marker = uniqueId('prune');
    // In a transaction rolled back at the end: the scheduled job other tests run concurrently (and
    // their prunes) cannot see these rows, so each batch here takes exactly these.
    await withTestDb(async (db) => {
      await db.execute(sql`begin`);
      try {
        await insertRecords(db, marker, { expired: 5, live: 2 });
        // One batch of two: the two that expired first (the highest `g`) go.
        expect(await pruneIdempotencyKeys(db, { batchSize: 2, maxBatches: 1 })).toBe(2);
        expect(await remaining(db, marker)).toEqual([1, 2, 3, 6, 7].map((g) => `${marker}-${g}`));
        await pruneIdempotencyKeys(db);
        expect(await remaining(db, marker)).toEqual([6, 7].map((g) => `${marker}-${g}`));
      } finally {
        await db.execute(sql`rollback`);
      }
    });
  });

  it('runs from the Cron Trigger', async () => {
    const marker = uniqueId('cron');
    await withTestDb((db) => insertRecords(db, marker, { expired: 3, live: 1 }));
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ cron: '*/30 * * * *', scheduledTime: new Date() }), env, ctx);
    await waitOnExecutionContext(ctx);
    expect(await withTestDb((db) => remaining(db, marker))).toEqual([`${marker}-4`]);
  });
});
