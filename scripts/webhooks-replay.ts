// `npm run webhooks:replay [-- --limit N] [--dry-run]`: re-processes failed webhook deliveries
// (ledger outcome `failed`) through the same code as POST /webhooks/clerk, e.g. after a fix to
// a schema that rejected them. Works on DATABASE_URL, or on the local database.

import { processDelivery } from '../src/clerk/deliveries.ts';
import { failedDeliveries } from '../src/clerk/ledger.ts';
import { parseCommandLine, positiveInteger } from './lib/cli.ts';
import { withNodeDb } from './lib/node-db.ts';
import { withTargetDatabase } from './lib/target-database.ts';

const NAME = 'webhooks:replay';
const { values } = parseCommandLine({
  name: NAME,
  usage: `
usage: npm run webhooks:replay [-- --limit N] [--dry-run]

Re-processes failed webhook deliveries (ledger outcome \`failed\`, oldest first, at most --limit,
default 500) of DATABASE_URL, else the local database, through the webhook's own code.
--dry-run lists them. Exits 1 when a delivery still fails.`,
  options: { limit: { type: 'string', default: '500' }, 'dry-run': { type: 'boolean', default: false } },
});
const limit = positiveInteger(NAME, 'limit', values.limit);

await withTargetDatabase((url, label) =>
  withNodeDb(url, async (db) => {
    const failed = await failedDeliveries(db, limit);
    console.log(`${failed.length} failed deliveries in ${label}${values['dry-run'] ? ' (dry run)' : ''}`);
    const tally: Record<string, number> = {};
    for (const delivery of failed) {
      const result = values['dry-run']
        ? { failed: delivery.error ?? '' }
        : await processDelivery(db, delivery.svixId, delivery.payload);
      const outcome = 'outcome' in result ? result.outcome : 'still failed';
      tally[outcome] = (tally[outcome] ?? 0) + 1;
      console.log(
        `${delivery.svixId}  ${delivery.eventType.padEnd(32)} ${outcome}${'failed' in result ? `: ${result.failed}` : ''}`,
      );
    }
    console.log(Object.keys(tally).length ? JSON.stringify(tally) : 'nothing to replay');
    if (!values['dry-run'] && tally['still failed']) process.exitCode = 1;
  }),
);
