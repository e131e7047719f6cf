// The Cron Trigger (wrangler.toml [triggers]): prunes the webhook ledger and expired
// Idempotency-Key records, erases ledger payloads it no longer needs, reconciles recent Clerk
// changes and runs the resources' own scheduled work (src/resources.ts). Each part is bounded, so
// a run never outlives its CPU and wall-time limits.
import { createRequestDb } from '../db/client.ts';
import { type Bindings, clerkApiConfig, databaseConfig } from './config.ts';
import { pruneIdempotencyKeys } from './lib/idempotency.ts';
import { log } from './lib/log.ts';
import { registeredResources } from './resources.ts';

export async function runScheduled(
  controller: ScheduledController,
  env: Bindings,
  ctx: ExecutionContext,
): Promise<void> {
  const { db, close } = await createRequestDb(databaseConfig(env));
  try {
    // Loaded here, not at startup: isolates that only serve requests never need them.
    const [{ eraseSpentPayloads, pruneLedger }, { CRON_RECONCILE, reconcileClerk }] = await Promise.all([
      import('./clerk/ledger.ts'),
      import('./clerk/reconcile.ts'),
    ]);
    const pruned = await pruneLedger(db);
    const erased = await eraseSpentPayloads(db);
    const prunedIdempotencyKeys = await pruneIdempotencyKeys(db);
    const reconciled = await reconcileClerk(db, clerkApiConfig(env), CRON_RECONCILE);
    const resourceWork: Record<string, unknown> = {};
    for (const resource of registeredResources) {
      if (resource.scheduled) resourceWork[resource.folder] = await resource.scheduled(db, env);
    }
    log({
      level: 'info',
      msg: 'scheduled',
      cron: controller.cron,
      pruned,
      erased,
      prunedIdempotencyKeys,
      reconciled,
      resources: resourceWork,
    });
  } catch (error) {
    log({ level: 'error', msg: 'scheduled run failed', cron: controller.cron, error: String(error) });
    throw error;
  } finally {
    ctx.waitUntil(close());
  }
}
