// The backfill pattern, run as a command against a real database: batches in id order, progress
// printed, resumable from a printed cursor after Ctrl-C, and never overwriting a value that is
// already there.
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { timeBudget } from '../test/budget.ts';
import { applyMigrations } from './lib/migrations.ts';
import { PROJECT_ROOT } from './lib/project-root.ts';
import { createScratchDatabase, type ScratchDatabase } from './lib/scratch-database.ts';

const SCRIPT = path.join(PROJECT_ROOT, 'scripts', 'backfill-webhook-events-type.ts');
const ROWS = 2345;
const ALREADY_TYPED = 45; // written by the new code before the backfill ran ("write both")
let database: ScratchDatabase;
let client: pg.Client;

const run = (...args: string[]) =>
  spawnSync(process.execPath, [SCRIPT, ...args], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
    env: { ...process.env, DATABASE_URL: database.url },
  });

beforeAll(async () => {
  database = await createScratchDatabase(inject('databaseUrl'), 'backfill_test');
  await applyMigrations(database.url);
  client = new pg.Client({ connectionString: database.url });
  await client.connect();
  await client.query('alter table webhook_events add column type text'); // the expand migration
  await client.query(
    `insert into webhook_events (id, svix_id, event_type, outcome, type)
     select gen_random_uuid(), 'msg_backfill_' || g, 'user.updated', 'applied', case when g <= $2 then 'kept ' || g end
     from generate_series(1, $1) as g`,
    [ROWS, ALREADY_TYPED],
  );
});

beforeEach(async () => {
  await client.query(`update webhook_events set type = null where type not like 'kept %'`);
});

afterAll(async () => {
  await client?.end();
  await database?.drop();
});

async function types() {
  const { rows } = await client.query<{ missing: number; copied: number; kept: number }>(
    `select count(*) filter (where type is null)::int as missing,
            count(*) filter (where type = event_type)::int as copied,
            count(*) filter (where type like 'kept %')::int as kept
     from webhook_events`,
  );
  return rows[0];
}

// Each test starts the script up to three times (a Node process each) and migrates a database.
describe('backfill-webhook-events-type', { timeout: timeBudget({ processes: 4 }) }, () => {
  it('copies event_type into type in batches, printing progress, and keeps types already written', async () => {
    const result = run('--batch-size', '500', '--sleep-ms', '0');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/batch 1: \d+ updated, \d+ in total \(\d+\/s\), cursor [0-9a-f-]{36}/);
    expect(result.stdout).toContain(`done: ${ROWS - ALREADY_TYPED} rows updated in 5 batches`);
    expect(await types()).toEqual({ missing: 0, copied: ROWS - ALREADY_TYPED, kept: ALREADY_TYPED });

    expect(run('--batch-size', '500', '--sleep-ms', '0').stdout).toContain('done: 0 rows updated in 5 batches');
  });

  it('stops on Ctrl-C after a whole batch and resumes from the printed cursor', async () => {
    const child = spawn(process.execPath, [SCRIPT, '--batch-size', '1000', '--sleep-ms', '2000'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, DATABASE_URL: database.url },
    });
    let output = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('batch 1:')) child.kill('SIGINT');
      });
      child.on('exit', () => resolve());
      child.on('error', reject);
    });
    const cursor = /interrupted; resume with --after ([0-9a-f-]{36})/.exec(output)?.[1];
    expect(cursor, output).toBeDefined();
    expect(output).not.toContain('batch 2:');
    const firstBatch = Number(/batch 1: (\d+) updated/.exec(output)![1]);
    const remaining = ROWS - ALREADY_TYPED - firstBatch;
    expect((await types())!.missing).toBe(remaining);

    const resumed = run('--batch-size', '1000', '--sleep-ms', '0', '--after', cursor!);
    expect(resumed.status).toBe(0);
    expect(resumed.stdout).toContain(`done: ${remaining} rows updated in 2 batches`);
    expect(await types()).toEqual({ missing: 0, copied: ROWS - ALREADY_TYPED, kept: ALREADY_TYPED });
  });

  it('refuses to run before the expand migration, and rejects bad flags', async () => {
    const other = await createScratchDatabase(inject('databaseUrl'), 'backfill_test');
    try {
      await applyMigrations(other.url);
      const result = spawnSync(process.execPath, [SCRIPT], {
        cwd: PROJECT_ROOT,
        encoding: 'utf8',
        env: { ...process.env, DATABASE_URL: other.url },
      });
      expect(result.status).not.toBe(0);
      expect(result.stderr).toContain('webhook_events.type does not exist');
    } finally {
      await other.drop();
    }
    expect(run('--batch-size', '0').stderr).toContain('--batch-size must be a positive integer');
    expect(run('--after', 'yesterday').stderr).toContain('--after must be a row id');
  });
});
