// The migration runner against a real PostgreSQL: the repo's migrations apply and roll back to
// nothing and apply again; `-- migration: no-transaction` files run outside the transaction that
// drizzle's own migrator would put them in; lock_timeout stops a migration that waits for a lock.
import path from 'node:path';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { readJournal, readMigrations } from './migration-files.ts';
import { applyMigrations, rollbackLastMigration } from './migrations.ts';
import { createScratchDatabase, type ScratchDatabase } from './scratch-database.ts';

const FIXTURE = path.join(import.meta.dirname, 'fixtures', 'no-transaction');
const scratch: ScratchDatabase[] = [];

async function freshDatabase(): Promise<ScratchDatabase> {
  const database = await createScratchDatabase(inject('databaseUrl'), 'migrations_test');
  scratch.push(database);
  return database;
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

/** Tables, columns, indexes and constraints of the public schema, as comparable text. */
async function schemaOf(url: string): Promise<string[]> {
  const rows = await query<{ item: string }>(
    url,
    `select format('column %s.%s %s %s', table_name, column_name, data_type, is_nullable) as item
       from information_schema.columns where table_schema = 'public'
     union all select format('index %s', indexdef) from pg_indexes where schemaname = 'public'
     union all select format('constraint %s %s', conname, pg_get_constraintdef(oid))
       from pg_constraint where connamespace = 'public'::regnamespace
     order by 1`,
  );
  return rows.map((row) => row.item);
}

afterAll(async () => {
  await Promise.all(scratch.map((database) => database.drop()));
});

describe('the repo migrations', () => {
  it('apply, roll back one by one to an empty schema, and apply again to the same schema', async () => {
    const { url } = await freshDatabase();
    const tags = readMigrations().map((m) => m.tag);
    expect(await applyMigrations(url)).toEqual(tags);
    const schema = await schemaOf(url);
    expect(schema.length).toBeGreaterThan(0);

    for (const tag of [...tags].reverse()) await rollbackLastMigration(url, tag);
    expect(await schemaOf(url)).toEqual([]);

    expect(await applyMigrations(url)).toEqual(tags);
    expect(await schemaOf(url)).toEqual(schema);
    expect(await applyMigrations(url)).toEqual([]);
  });

  it('refuses to roll back anything but the last applied migration', async () => {
    const { url } = await freshDatabase();
    await applyMigrations(url);
    const last = readJournal().at(-1)!.tag;
    await expect(rollbackLastMigration(url, '0000_init')).rejects.toThrow(
      new RegExp(`the last applied migration is ${last}, not 0000_init`),
    );
  });
});

describe('-- migration: no-transaction', () => {
  it("fails under drizzle's migrator, which wraps every pending migration in one transaction", async () => {
    const { url } = await freshDatabase();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await expect(migrate(drizzle({ client }), { migrationsFolder: FIXTURE })).rejects.toThrow();
    } finally {
      await client.end();
    }
    expect(await query(url, `select 1 from pg_tables where tablename = 'accounts'`)).toEqual([]);
  });

  it('runs outside a transaction between transactional neighbours, and records each migration once', async () => {
    const { url } = await freshDatabase();
    expect(await applyMigrations(url, { folder: FIXTURE })).toEqual([
      '0000_accounts',
      '0001_accounts_email',
      '0002_accounts_name',
    ]);
    const [index] = await query<{ indisvalid: boolean }>(
      url,
      `select indisvalid from pg_index where indexrelid = 'accounts_email_key'::regclass`,
    );
    expect(index?.indisvalid).toBe(true);
    const [check] = await query<{ convalidated: boolean }>(
      url,
      `select convalidated from pg_constraint where conname = 'accounts_email_not_null_check'`,
    );
    expect(check?.convalidated).toBe(true);
    const recorded = await query<{ created_at: string }>(
      url,
      'select created_at from drizzle.__drizzle_migrations order by created_at',
    );
    expect(recorded.map((row) => Number(row.created_at))).toEqual(readMigrations(FIXTURE).map((m) => m.when));
    expect(await applyMigrations(url, { folder: FIXTURE })).toEqual([]);
  });

  it('rolls back outside a transaction too, and refuses an irreversible migration', async () => {
    const { url } = await freshDatabase();
    await applyMigrations(url, { folder: FIXTURE });
    await expect(rollbackLastMigration(url, '0002_accounts_name', { folder: FIXTURE })).rejects.toThrow(
      /0002_accounts_name is irreversible .*a fixture for the refusal/,
    );
    // Undone by hand, as the runbook says for an irreversible migration.
    await query(url, 'alter table accounts drop column name');
    await query(url, `delete from drizzle.__drizzle_migrations where created_at = 1700000002000`);
    await rollbackLastMigration(url, '0001_accounts_email', { folder: FIXTURE });
    expect(await query(url, `select 1 from pg_indexes where indexname = 'accounts_email_key'`)).toEqual([]);
    expect(await applyMigrations(url, { folder: FIXTURE })).toEqual(['0001_accounts_email', '0002_accounts_name']);
  });
});

describe('lock_timeout', () => {
  it('stops a migration that waits for a lock held by a long transaction, and applies nothing', async () => {
    const { url } = await freshDatabase();
    await applyMigrations(url, { folder: FIXTURE });
    await query(url, `delete from drizzle.__drizzle_migrations where created_at = 1700000002000`);
    await query(url, 'alter table accounts drop column name');

    const blocker = new pg.Client({ connectionString: url });
    await blocker.connect();
    try {
      await blocker.query('begin');
      await blocker.query('lock table accounts in access share mode');
      const started = Date.now();
      // The error names the migration; the Postgres error is its cause.
      await expect(applyMigrations(url, { folder: FIXTURE, lockTimeout: '300ms' })).rejects.toMatchObject({
        message: '0002_accounts_name failed: canceling statement due to lock timeout',
        cause: { message: 'canceling statement due to lock timeout' },
      });
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await blocker.query('rollback');
      await blocker.end();
    }
    expect(await applyMigrations(url, { folder: FIXTURE })).toEqual(['0002_accounts_name']);
  });
});
