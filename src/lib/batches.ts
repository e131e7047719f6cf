// Bounded maintenance work (the scheduled job): one short statement per batch, so no batch holds
// locks for long, and a bounded number of batches per run, so a run never outlives its limits.
import { type SQL, sql } from 'drizzle-orm';
import { type Database, executeRows } from '../../db/client.ts';

export interface BatchBounds {
  /** Rows per statement. */
  batchSize: number;
  /** Statements per run; what is left waits for the next run. */
  maxBatches: number;
}

/**
 * Runs `statement(batchSize)`, a data-modifying CTE `done` returning one row per row it handled,
 * until a batch handles fewer than `batchSize` rows or `maxBatches` ran. Returns the rows handled.
 */
export async function inBatches(db: Database, bounds: BatchBounds, statement: (batchSize: number) => SQL) {
  let handled = 0;
  for (let batch = 0; batch < bounds.maxBatches; batch += 1) {
    const rows = await executeRows<{ count: string }>(
      db,
      sql`with ${statement(bounds.batchSize)} select count(*)::text as count from done`,
    );
    const count = Number(rows[0]?.count ?? 0);
    handled += count;
    if (count < bounds.batchSize) break;
  }
  return handled;
}
