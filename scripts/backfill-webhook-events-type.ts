// The backfill step of the expand-and-contract walk-through in docs/migrations.md (renaming
// webhook_events.event_type to webhook_events.type): copies event_type into type where type is
// still NULL, in batches. The pattern to copy for your own backfills; it needs the expand
// migration (a nullable webhook_events.type) and refuses to run without it.
//   node scripts/backfill-webhook-events-type.ts [--batch-size 1000] [--sleep-ms 50] [--after <id>]
// Runs against DATABASE_URL (shell or .dev.vars), else the local database.
import type pg from 'pg';
import { type Batch, parseBackfillArgs, runBackfill } from './lib/backfill.ts';
import { withPgClient } from './lib/pg-client.ts';
import { withTargetDatabase } from './lib/target-database.ts';

const NAME = 'backfill-webhook-events-type';

/**
 * One batch: the next `size` ledger rows after `after` in id order; those without a type get one.
 * One statement, so each batch commits on its own and holds its row locks for milliseconds.
 */
async function backfillBatch(client: pg.Client, after: string, size: number): Promise<Batch> {
  const { rows } = await client.query<{ last_id: string | null; updated: number }>(
    `with batch as (
       select id from webhook_events where id > $1 order by id limit $2
     ), updated as (
       update webhook_events set type = webhook_events.event_type
       from batch where webhook_events.id = batch.id and webhook_events.type is null
       returning webhook_events.id
     )
     select (select id from batch order by id desc limit 1) as last_id,
            (select count(*) from updated)::int as updated`,
    [after, size],
  );
  return { lastId: rows[0]!.last_id, updated: rows[0]!.updated };
}

if (import.meta.main) {
  const options = parseBackfillArgs(process.argv.slice(2));
  await withTargetDatabase((url, label) =>
    withPgClient(
      url,
      async (client) => {
        const column = await client.query(
          `select 1 from information_schema.columns where table_name = 'webhook_events' and column_name = 'type'`,
        );
        if (!column.rowCount) {
          throw new Error(
            `webhook_events.type does not exist on ${label}: apply the expand migration first (docs/migrations.md#expand-and-contract)`,
          );
        }
        console.log(`${NAME} on ${label}, batches of ${options.batchSize}, ${options.sleepMs} ms apart`);
        await runBackfill(NAME, (after, size) => backfillBatch(client, after, size), options);
      },
      NAME,
    ),
  );
}
