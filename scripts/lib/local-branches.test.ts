// Local branches (`npm run db:branch`) on the real test server: a copy has the source's schema and
// rows, diverges independently, and cannot be made while the source is in use unless asked to
// disconnect its sessions.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { BranchError, createBranch, dropBranch, listDatabases } from './local-branches.ts';
import { applyMigrations } from './migrations.ts';
import { adminUrlOf, createScratchDatabase, databaseUrlOf, type ScratchDatabase } from './scratch-database.ts';

const serverUrl = inject('databaseUrl');
const adminUrl = adminUrlOf(serverUrl);
let source: ScratchDatabase;
const branchName = () => `branch_test_${randomUUID().replaceAll('-', '').slice(0, 8)}`;

async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  source = await createScratchDatabase(serverUrl, 'branch_source');
  await applyMigrations(source.url);
  await query(
    source.url,
    `insert into users (id, clerk_user_id, email, source_version, source_event_id)
     values ($1, 'user_branch_test', 'before@example.com', 1, 'evt')`,
    [randomUUID()],
  );
});

afterAll(async () => {
  await source.drop();
});

describe('createBranch', () => {
  it('copies schema and rows; the copy and the source then diverge independently', async () => {
    const name = branchName();
    await createBranch(adminUrl, name, source.name);
    const branchUrl = databaseUrlOf(serverUrl, name);
    try {
      expect(await listDatabases(adminUrl)).toContain(name);
      await query(branchUrl, `update users set email = 'on-branch@example.com'`);
      await query(branchUrl, 'alter table users add column nickname text');
      expect(await query(source.url, 'select email from users')).toEqual([{ email: 'before@example.com' }]);
      expect(
        await query(source.url, `select 1 from information_schema.columns where column_name = 'nickname'`),
      ).toEqual([]);
    } finally {
      await dropBranch(adminUrl, name, 'app');
    }
    expect(await listDatabases(adminUrl)).not.toContain(name);
  });

  it('names the sessions that keep the source busy, and disconnects them only when asked', async () => {
    const name = branchName();
    const session = new pg.Client({ connectionString: source.url, application_name: 'busy-session' });
    session.on('error', () => {}); // terminated below, on purpose
    await session.connect();
    try {
      const attempt = createBranch(adminUrl, name, source.name);
      await expect(attempt).rejects.toThrow(BranchError);
      await expect(attempt).rejects.toThrow(/has 1 other session\(s\)[\s\S]*busy-session[\s\S]*--terminate/);
      await createBranch(adminUrl, name, source.name, { terminate: true });
      expect(await listDatabases(adminUrl)).toContain(name);
    } finally {
      await session.end().catch(() => {});
      await dropBranch(adminUrl, name, 'app').catch(() => {});
    }
  });

  it('refuses unusable, reserved and existing names, and a missing source', async () => {
    await expect(createBranch(adminUrl, 'Bad-Name', source.name)).rejects.toThrow(/not a usable name/);
    await expect(createBranch(adminUrl, 'postgres', source.name)).rejects.toThrow(/reserved/);
    await expect(createBranch(adminUrl, source.name, 'app')).rejects.toThrow(/already exists/);
    await expect(createBranch(adminUrl, branchName(), 'no_such_database')).rejects.toThrow(/npm run db:migrate/);
  });
});

describe('dropBranch', () => {
  it('never drops the protected database and says when there is nothing to drop', async () => {
    await expect(dropBranch(adminUrl, source.name, source.name)).rejects.toThrow(/reserved/);
    await expect(dropBranch(adminUrl, branchName(), 'app')).rejects.toThrow(/does not exist/);
  });
});
