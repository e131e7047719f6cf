// The loop every `scripts/backfill-*.ts` shares: walk a table in primary-key order (UUIDv7 ids are
// time-ordered, so the walk is also creation order) in small batches, one short statement each,
// with a pause between batches so the live traffic keeps the database. Progress and the cursor are
// printed after every batch; `--after <id>` resumes from a printed cursor. Batches must be
// idempotent (e.g. `where title is null`), so re-running from the start is also correct.
import { parseArgs } from 'node:util';

export interface BackfillOptions {
  batchSize: number;
  sleepMs: number;
  /** Start after this id (a cursor printed by an earlier run). */
  after: string;
}

export interface Batch {
  /** The greatest id the batch looked at; null when there was nothing left. */
  lastId: string | null;
  /** Rows the batch changed. */
  updated: number;
}

export interface BackfillSummary {
  batches: number;
  updated: number;
  lastId: string;
  interrupted: boolean;
}

const FIRST_ID = '00000000-0000-0000-0000-000000000000';

/** `--batch-size 1000 --sleep-ms 50 --after <uuid>` from the command line. */
export function parseBackfillArgs(args: string[]): BackfillOptions {
  const { values } = parseArgs({
    args,
    options: {
      'batch-size': { type: 'string', default: '1000' },
      'sleep-ms': { type: 'string', default: '50' },
      after: { type: 'string', default: FIRST_ID },
    },
  });
  const batchSize = Number(values['batch-size']);
  const sleepMs = Number(values['sleep-ms']);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error('--batch-size must be a positive integer');
  if (!Number.isInteger(sleepMs) || sleepMs < 0) throw new Error('--sleep-ms must be a whole number of milliseconds');
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(values.after)) {
    throw new Error('--after must be a row id (a cursor printed by an earlier run)');
  }
  return { batchSize, sleepMs, after: values.after };
}

export async function runBackfill(
  name: string,
  batch: (after: string, size: number) => Promise<Batch>,
  options: BackfillOptions,
  log: (line: string) => void = console.log,
): Promise<BackfillSummary> {
  const summary: BackfillSummary = { batches: 0, updated: 0, lastId: options.after, interrupted: false };
  const started = Date.now();
  // Ctrl-C: finish the batch in flight (one statement: it commits or not), then stop.
  const interrupt = () => {
    summary.interrupted = true;
    log(`${name}: interrupted; resume with --after ${summary.lastId}`);
  };
  process.once('SIGINT', interrupt);
  try {
    while (!summary.interrupted) {
      const { lastId, updated } = await batch(summary.lastId, options.batchSize);
      if (lastId === null) break;
      summary.batches++;
      summary.updated += updated;
      summary.lastId = lastId;
      const perSecond = Math.round(summary.updated / Math.max((Date.now() - started) / 1000, 0.001));
      log(
        `${name}: batch ${summary.batches}: ${updated} updated, ${summary.updated} in total (${perSecond}/s), cursor ${lastId}`,
      );
      if (options.sleepMs > 0) await new Promise((resolve) => setTimeout(resolve, options.sleepMs));
    }
  } finally {
    process.off('SIGINT', interrupt);
  }
  if (!summary.interrupted) {
    log(`${name}: done: ${summary.updated} rows updated in ${summary.batches} batches, ${Date.now() - started} ms`);
  }
  return summary;
}
