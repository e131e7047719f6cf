// The Cron Trigger (wrangler.toml [triggers]): prunes the webhook ledger and expired
// Idempotency-Key records, erases ledger payloads it no longer needs, and reconciles recent Clerk
// changes. Each part is bounded, so a run never outlives its CPU and wall-time limits.
import { createRequestDb } from '../db/client.ts';
import { eraseSpentPayloads, pruneLedger } from './clerk/ledger.ts';
import { CRON_RECONCILE, reconcileClerk } from './clerk/reconcile.ts';
import { type Bindings, clerkApiConfig, databaseConfig } from './config.ts';
import { pruneIdempotencyKeys } from './lib/idempotency.ts';
import { log } from './lib/log.ts';

export async function runScheduled(
  controller: ScheduledController,
  env: Bindings,
  ctx: ExecutionContext,
): Promise<void> {
  const { db, close } = createRequestDb(databaseConfig(env));
  try {
    const pruned = await pruneLedger(db);
    const erased = await eraseSpentPayloads(db);
    const prunedIdempotencyKeys = await pruneIdempotencyKeys(db);
    const reconciled = await reconcileClerk(db, clerkApiConfig(env), CRON_RECONCILE);
    log({ level: 'info', msg: 'scheduled', cron: controller.cron, pruned, erased, prunedIdempotencyKeys, reconciled });
  } catch (error) {
    log({ level: 'error', msg: 'scheduled run failed', cron: controller.cron, error: String(error) });
    throw error;
  } finally {
    ctx.waitUntil(close());
  }
}
