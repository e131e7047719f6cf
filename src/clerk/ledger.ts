// Keeping the webhook ledger in shape: pruning, erasing payloads no longer needed, and the
// replay queue.
import { sql } from 'drizzle-orm';
import { type Database, executeRows } from '../../db/client.ts';
import { type BatchBounds, inBatches } from '../lib/batches.ts';

export const LEDGER_RETENTION_DAYS = 30;

/**
 * Deletes applied, stale and ignored ledger rows older than the retention, in bounded batches.
 * UUIDv7 ids are time-ordered, so "older than" is a primary-key range: no time index needed.
 * Failed rows stay until they are replayed: they are the record of events not yet applied.
 */
export function pruneLedger(db: Database, options: { now?: Date } & Partial<BatchBounds> = {}): Promise<number> {
  const { now = new Date(), batchSize = 1_000, maxBatches = 20 } = options;
  const cutoff = uuidv7Floor(new Date(now.getTime() - LEDGER_RETENTION_DAYS * 86_400_000));
  // `= any(array(...))` keeps both the batch pick and the delete on the primary key.
  return inBatches(
    db,
    { batchSize, maxBatches },
    (size) => sql`done as (
      delete from webhook_events where id = any(array(
        select id from webhook_events where id < ${cutoff}::uuid and outcome <> 'failed' order by id limit ${size}
      ))
      returning 1
    )`,
  );
}

/**
 * Clears the payloads of deliveries that are no longer failed, in bounded batches (the scheduled
 * job). Deliveries written by this release keep a payload only while failed, so this finds only
 * rows from before it, or none: the partial index webhook_events_erasable_idx is then empty.
 */
export function eraseSpentPayloads(db: Database, options: Partial<BatchBounds> = {}): Promise<number> {
  const { batchSize = 1_000, maxBatches = 20 } = options;
  return inBatches(
    db,
    { batchSize, maxBatches },
    (size) => sql`done as (
      update webhook_events set payload = null where id = any(array(
        select id from webhook_events where payload is not null and outcome <> 'failed' order by id limit ${size}
      ))
      returning 1
    )`,
  );
}

/** The smallest UUIDv7 of a millisecond: every id generated at or after `time` sorts above it. */
export function uuidv7Floor(time: Date): string {
  const hex = time.getTime().toString(16).padStart(12, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7000-8000-000000000000`;
}

export interface FailedDelivery {
  id: string;
  svixId: string;
  eventType: string;
  error: string | null;
  attempts: number;
  payload: Uint8Array;
}

/** Failed deliveries in arrival order, after `afterId` (keyset over the partial index). */
export async function failedDeliveries(db: Database, limit: number, afterId?: string): Promise<FailedDelivery[]> {
  const rows = await executeRows<{
    id: string;
    svix_id: string;
    event_type: string;
    error: string | null;
    attempts: number;
    payload: string;
  }>(
    db,
    sql`select id, svix_id, event_type, error, attempts, encode(payload, 'base64') as payload
        from webhook_events
        where outcome = 'failed' and id > ${afterId ?? '00000000-0000-0000-0000-000000000000'}::uuid
        order by id limit ${limit}`,
  );
  return rows.map((row) => ({
    id: row.id,
    svixId: row.svix_id,
    eventType: row.event_type,
    error: row.error,
    attempts: Number(row.attempts),
    payload: Uint8Array.from(Buffer.from(row.payload, 'base64')),
  }));
}
