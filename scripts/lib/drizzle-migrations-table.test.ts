// Our runner and drizzle's own migrator (what drizzle-kit migrate runs) keep
// drizzle.__drizzle_migrations the same way: each sees a database the other migrated as up to
// date, and sees a rollback as a pending migration. A drizzle upgrade that changes the table or
// how it reads it fails here.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

/**
 * The repo's migrations without its no-transaction ones: drizzle's migrator runs everything in
 * one transaction, where CONCURRENTLY cannot run (the fixture below covers those).
 */
const TRANSACTIONAL = (() => {
  const folder = mkdtempSync(path.join(tmpdir(), 'migrations-'));
  cpSync(MIGRATIONS_FOLDER, folder, { recursive: true });
  const journalFile = path.join(folder, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: { tag: string }[] };
  const outside = new Set(
    readMigrations()
      .filter((m) => m.noTransaction)
      .map((m) => m.tag),
  );
  journal.entries = journal.entries.filter((entry) => !outside.has(entry.tag));
  writeFileSync(journalFile, JSON.stringify(journal));
  return folder;
})();

async function freshDatabase(): Promise<string> {
  const database = await createScratchDatabase(inject('databaseUrl'), 'drizzle_table_test');
  scratch.push(database);
  return database.url;
}

/** drizzle-orm's public migrator, as drizzle-kit migrate calls it. */
function drizzleMigrate(url: string, migrationsFolder = TRANSACTIONAL): Promise<void> {
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
  rmSync(TRANSACTIONAL, { recursive: true, force: true });
});

describe('drizzle.__drizzle_migrations', () => {
  it("holds the rows drizzle's migrator writes, and drizzle then finds nothing to apply", async () => {
    const ours = await freshDatabase();
    const theirs = await freshDatabase();
    await applyMigrations(ours, { folder: TRANSACTIONAL });
    await drizzleMigrate(theirs);
    const rows = await recorded(ours);
    expect(rows).toHaveLength(readMigrations(TRANSACTIONAL).length);
    expect(rows).toEqual(await recorded(theirs));

    // Anything drizzle took as pending would run again and fail (CREATE TABLE of an existing table).
    await drizzleMigrate(ours);
    expect(await recorded(ours)).toEqual(rows);
  });

  it("finds nothing to apply on a database drizzle's migrator migrated", async () => {
    const url = await freshDatabase();
    await drizzleMigrate(url);
    expect(await applyMigrations(url, { folder: TRANSACTIONAL })).toEqual([]);
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
    await applyMigrations(url, { folder: TRANSACTIONAL });
    const rows = await recorded(url);
    const last = readMigrations(TRANSACTIONAL).at(-1)!;
    await rollbackLastMigration(url, last.tag, { folder: TRANSACTIONAL });
    expect(await recorded(url)).toEqual(rows.slice(0, -1));

    await drizzleMigrate(url);
    expect((await recorded(url)).map(({ hash, created_at }) => ({ hash, created_at }))).toEqual(
      rows.map(({ hash, created_at }) => ({ hash, created_at })),
    );
  });
});
