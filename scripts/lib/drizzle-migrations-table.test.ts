// Our runner and drizzle's own migrator (what drizzle-kit migrate runs) keep
// drizzle.__drizzle_migrations the same way: each sees a database the other migrated as up to
// date, and sees a rollback as a pending migration. A drizzle upgrade that changes the table or
// how it reads it fails here.
import path from 'node:path';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import type pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { MIGRATIONS_FOLDER, readMigrations } from './migration-files.ts';
import { applyMigrations, rollbackLastMigration } from './migrations.ts';
import { withPgClient } from './pg-client.ts';
import { createScratchDatabase, type ScratchDatabase } from './scratch-database.ts';

const NO_TRANSACTION_FIXTURE = path.join(import.meta.dirname, 'fixtures', 'no-transaction');
const scratch: ScratchDatabase[] = [];

async function freshDatabase(): Promise<string> {
  const database = await createScratchDatabase(inject('databaseUrl'), 'drizzle_table_test');
  scratch.push(database);
  return database.url;
}

/** drizzle-orm's public migrator, as drizzle-kit migrate calls it. */
function drizzleMigrate(url: string, migrationsFolder = MIGRATIONS_FOLDER): Promise<void> {
  return withPgClient(url, (client) => migrate(drizzle({ client }), { migrationsFolder }));
}

function recorded(url: string): Promise<{ id: number; hash: string; created_at: string }[]> {
  return withPgClient(url, async (client: pg.Client) => {
    const { rows } = await client.query('select id, hash, created_at from drizzle.__drizzle_migrations order by id');
    return rows;
  });
}

afterAll(async () => {
  await Promise.all(scratch.map((database) => database.drop()));
});

describe('drizzle.__drizzle_migrations', () => {
  it("holds the rows drizzle's migrator writes, and drizzle then finds nothing to apply", async () => {
    const ours = await freshDatabase();
    const theirs = await freshDatabase();
    await applyMigrations(ours);
    await drizzleMigrate(theirs);
    const rows = await recorded(ours);
    expect(rows).toHaveLength(readMigrations().length);
    expect(rows).toEqual(await recorded(theirs));

    // Anything drizzle took as pending would run again and fail (CREATE TABLE of an existing table).
    await drizzleMigrate(ours);
    expect(await recorded(ours)).toEqual(rows);
  });

  it("finds nothing to apply on a database drizzle's migrator migrated", async () => {
    const url = await freshDatabase();
    await drizzleMigrate(url);
    expect(await applyMigrations(url)).toEqual([]);
  });

  it("records no-transaction migrations so that drizzle's migrator skips them", async () => {
    const url = await freshDatabase();
    await applyMigrations(url, { folder: NO_TRANSACTION_FIXTURE });
    const rows = await recorded(url);
    expect(rows.map(({ hash, created_at }) => ({ hash, created_at }))).toEqual(
      readMigrationFiles({ migrationsFolder: NO_TRANSACTION_FIXTURE }).map((m) => ({
        hash: m.hash,
        created_at: String(m.folderMillis),
      })),
    );
    // Run by drizzle, the fixture fails (migrations.test.ts): it must run nothing here.
    await drizzleMigrate(url, NO_TRANSACTION_FIXTURE);
    expect(await recorded(url)).toEqual(rows);
  });

  it("forgets a rolled-back migration so that drizzle's migrator applies it again", async () => {
    const url = await freshDatabase();
    await applyMigrations(url);
    const rows = await recorded(url);
    const last = readMigrations().at(-1)!;
    await rollbackLastMigration(url, last.tag);
    expect(await recorded(url)).toEqual(rows.slice(0, -1));

    await drizzleMigrate(url);
    expect((await recorded(url)).map(({ hash, created_at }) => ({ hash, created_at }))).toEqual(
      rows.map(({ hash, created_at }) => ({ hash, created_at })),
    );
  });
});
