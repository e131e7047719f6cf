// drizzle.__drizzle_migrations, drizzle's record of the applied migrations, kept by our runner
// (migrations.ts) exactly as drizzle-orm's migrator keeps it, so that drizzle-kit migrate,
// drizzle-orm's migrate() and our runner agree on what is applied:
// - one row per applied migration: hash = sha256 of the migration file's text, created_at = the
//   journal's `when` for it; id is a serial.
// - a migration is applied when its `when` is at most the newest created_at. drizzle compares
//   timestamps only: hashes are recorded, never checked.
// Written against drizzle-orm 0.45. drizzle-migrations-table.test.ts migrates with each runner and
// reads with the other, so a drizzle upgrade that changes the table fails there.
import { createHash } from 'node:crypto';
import type pg from 'pg';

const TABLE = 'drizzle.__drizzle_migrations';

/** Creates the table, as drizzle's migrator does, when missing. */
export async function ensureMigrationsTable(client: pg.ClientBase): Promise<void> {
  await client.query('create schema if not exists drizzle');
  await client.query(
    `create table if not exists ${TABLE} (id serial primary key, hash text not null, created_at bigint)`,
  );
}

/** The journal `when` of the last applied migration; 0 when none is. */
export async function lastAppliedAt(client: pg.ClientBase): Promise<number> {
  const { rows } = await client.query<{ last: string | null }>(`select max(created_at) as last from ${TABLE}`);
  return Number(rows[0]?.last ?? 0);
}

/** Records a migration as applied; `sql` is its file's text. */
export async function recordApplied(client: pg.ClientBase, migration: { sql: string; when: number }): Promise<void> {
  const hash = createHash('sha256').update(migration.sql).digest('hex');
  await client.query(`insert into ${TABLE} (hash, created_at) values ($1, $2)`, [hash, migration.when]);
}

/** Forgets a migration, so that it counts as pending again. */
export async function forgetApplied(client: pg.ClientBase, migration: { when: number }): Promise<void> {
  await client.query(`delete from ${TABLE} where created_at = $1`, [migration.when]);
}
