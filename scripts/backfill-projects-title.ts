// The backfill step of the expand-and-contract walk-through in docs/migrations.md (renaming
// projects.name to projects.title): copies name into title where title is still NULL, in batches.
// The pattern to copy for your own backfills; it needs the expand migration (a nullable
// projects.title) and refuses to run without it.
//   node scripts/backfill-projects-title.ts [--batch-size 1000] [--sleep-ms 50] [--after <id>]
// Runs against DATABASE_URL (shell or .dev.vars), else the local database.
import pg from 'pg';
import { type Batch, parseBackfillArgs, runBackfill } from './lib/backfill.ts';
import { withTargetDatabase } from './lib/target-database.ts';

/**
 * One batch: the next `size` projects after `after` in id order; those without a title get one.
 * One statement, so each batch commits on its own and holds its row locks for milliseconds.
 */
export async function backfillBatch(client: pg.Client, after: string, size: number): Promise<Batch> {
  const { rows } = await client.query<{ last_id: string | null; updated: number }>(
    `with batch as (
       select id from projects where id > $1 order by id limit $2
     ), updated as (
       update projects set title = projects.name
       from batch where projects.id = batch.id and projects.title is null
       returning projects.id
     )
     select (select id from batch order by id desc limit 1) as last_id,
            (select count(*) from updated)::int as updated`,
    [after, size],
  );
  return { lastId: rows[0]!.last_id, updated: rows[0]!.updated };
}

if (import.meta.main) {
  const options = parseBackfillArgs(process.argv.slice(2));
  await withTargetDatabase(async (url, label) => {
    const client = new pg.Client({ connectionString: url, application_name: 'backfill-projects-title' });
    await client.connect();
    try {
      const column = await client.query(
        `select 1 from information_schema.columns where table_name = 'projects' and column_name = 'title'`,
      );
      if (!column.rowCount) {
        throw new Error(
          `projects.title does not exist on ${label}: apply the expand migration first (docs/migrations.md#expand-and-contract)`,
        );
      }
      console.log(`backfill-projects-title on ${label}, batches of ${options.batchSize}, ${options.sleepMs} ms apart`);
      await runBackfill('backfill-projects-title', (after, size) => backfillBatch(client, after, size), options);
    } finally {
      await client.end();
    }
  });
}
