// A database of its own for one test file or one command, on an existing server: tests of the
// Node-side scripts create one next to the shared test database (so they never see each other's
// rows) and drop it when done.
import { randomUUID } from 'node:crypto';
import { createDatabase } from './local-postgres.ts';
import { withPgClient } from './pg-client.ts';

export interface ScratchDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** The `postgres` maintenance database of the server that `databaseUrl` points at. */
export function adminUrlOf(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  url.pathname = '/postgres';
  return url.toString();
}

export function databaseUrlOf(databaseUrl: string, name: string): string {
  const url = new URL(databaseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function createScratchDatabase(serverUrl: string, prefix: string): Promise<ScratchDatabase> {
  const name = `${prefix}_${randomUUID().replaceAll('-', '').slice(0, 10)}`;
  const adminUrl = adminUrlOf(serverUrl);
  await createDatabase(adminUrl, name);
  return { name, url: databaseUrlOf(serverUrl, name), drop: () => dropDatabase(adminUrl, name) };
}

/** DROP DATABASE, disconnecting whoever is still connected (WITH FORCE, Postgres 13+). */
export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  await withPgClient(adminUrl, (client) =>
    client.query(`drop database if exists ${client.escapeIdentifier(name)} with (force)`),
  );
}
