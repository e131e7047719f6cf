// The backfill pattern, run as a command against a real database: batches in id order, progress
// printed, resumable from a printed cursor after Ctrl-C, and never overwriting a value that is
// already there.
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { applyMigrations } from './lib/migrations.ts';
import { PROJECT_ROOT } from './lib/project-root.ts';
import { createScratchDatabase, type ScratchDatabase } from './lib/scratch-database.ts';

const SCRIPT = path.join(PROJECT_ROOT, 'scripts', 'backfill-projects-title.ts');
const PROJECTS = 2345;
const ALREADY_TITLED = 45; // written by the new code before the backfill ran ("write both")
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
  await client.query('alter table projects add column title text'); // the expand migration
  const user = await client.query<{ id: string }>(
    `insert into users (id, clerk_user_id, source_version, source_event_id)
     values (gen_random_uuid(), 'user_backfill', 1, 'evt') returning id`,
  );
  await client.query(
    `insert into projects (id, user_id, name, title)
     select gen_random_uuid(), $1, 'project ' || g, case when g <= $3 then 'kept ' || g end
     from generate_series(1, $2) as g`,
    [user.rows[0]!.id, PROJECTS, ALREADY_TITLED],
  );
});

beforeEach(async () => {
  await client.query(`update projects set title = null where title not like 'kept %'`);
});

afterAll(async () => {
  await client?.end();
  await database?.drop();
});

async function titles() {
  const { rows } = await client.query<{ missing: number; copied: number; kept: number }>(
    `select count(*) filter (where title is null)::int as missing,
            count(*) filter (where title = name)::int as copied,
            count(*) filter (where title like 'kept %')::int as kept
     from projects`,
  );
  return rows[0];
}

describe('backfill-projects-title', () => {
  it('copies name into title in batches, printing progress, and keeps titles already written', async () => {
    const result = run('--batch-size', '500', '--sleep-ms', '0');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/batch 1: \d+ updated, \d+ in total \(\d+\/s\), cursor [0-9a-f-]{36}/);
    expect(result.stdout).toContain(`done: ${PROJECTS - ALREADY_TITLED} rows updated in 5 batches`);
    expect(await titles()).toEqual({ missing: 0, copied: PROJECTS - ALREADY_TITLED, kept: ALREADY_TITLED });

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
    const remaining = PROJECTS - ALREADY_TITLED - firstBatch;
    expect((await titles())!.missing).toBe(remaining);

    const resumed = run('--batch-size', '1000', '--sleep-ms', '0', '--after', cursor!);
    expect(resumed.status).toBe(0);
    expect(resumed.stdout).toContain(`done: ${remaining} rows updated in 2 batches`);
    expect(await titles()).toEqual({ missing: 0, copied: PROJECTS - ALREADY_TITLED, kept: ALREADY_TITLED });
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
      expect(result.stderr).toContain('projects.title does not exist');
    } finally {
      await other.drop();
    }
    expect(run('--batch-size', '0').stderr).toContain('--batch-size must be a positive integer');
    expect(run('--after', 'yesterday').stderr).toContain('--after must be a row id');
  });
});
