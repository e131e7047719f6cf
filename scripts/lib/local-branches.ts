// Local "branches": copies of a database on the same server, made with CREATE DATABASE ... TEMPLATE
// (a file-level copy: seconds for a development database). The local stand-in for a Neon branch,
// to try a migration or a backfill on a copy before it touches the database `npm run dev` uses.
import type pg from 'pg';
import { withPgClient } from './pg-client.ts';

const NAME = /^[a-z][a-z0-9_]{0,62}$/;
const PROTECTED = new Set(['postgres', 'template0', 'template1']);

export class BranchError extends Error {}

export interface BranchOptions {
  /** Disconnect other sessions of the source database first (CREATE ... TEMPLATE needs it idle). */
  terminate?: boolean;
}

export async function createBranch(adminUrl: string, name: string, from: string, options: BranchOptions = {}) {
  checkName(name, from);
  await withPgClient(adminUrl, async (client) => {
    const exists = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (exists.rowCount) throw new BranchError(`database "${name}" already exists`);
    const source = await client.query('select 1 from pg_database where datname = $1', [from]);
    if (!source.rowCount) {
      throw new BranchError(`database "${from}" does not exist: run \`npm run db:migrate\` (or \`npm run dev\`) first`);
    }
    if (options.terminate) {
      await client.query(
        'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
        [from],
      );
    } else {
      await failIfInUse(client, from);
    }
    try {
      await client.query(`create database ${client.escapeIdentifier(name)} template ${client.escapeIdentifier(from)}`);
    } catch (error) {
      // A session connected between the check and the copy.
      if ((error as { code?: string }).code === '55006') await failIfInUse(client, from);
      throw error;
    }
  });
}

export async function dropBranch(adminUrl: string, name: string, protectedName: string) {
  checkName(name, protectedName);
  await withPgClient(adminUrl, async (client) => {
    const exists = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (!exists.rowCount) throw new BranchError(`database "${name}" does not exist`);
    await client.query(`drop database ${client.escapeIdentifier(name)} with (force)`);
  });
}

/** Databases on the server other than the system ones. */
export async function listDatabases(adminUrl: string): Promise<string[]> {
  return withPgClient(adminUrl, async (client) => {
    const { rows } = await client.query<{ datname: string }>(
      'select datname from pg_database where not datistemplate and datname <> $1 order by datname',
      ['postgres'],
    );
    return rows.map((row) => row.datname);
  });
}

function checkName(name: string, reserved: string) {
  if (!NAME.test(name)) {
    throw new BranchError(`"${name}" is not a usable name: lower-case letters, digits and _, starting with a letter`);
  }
  if (PROTECTED.has(name) || name === reserved) throw new BranchError(`"${name}" is reserved`);
}

async function failIfInUse(client: pg.Client, database: string) {
  const { rows } = await client.query<{ pid: number; application_name: string; state: string; since: string }>(
    `select pid, application_name, state, to_char(backend_start, 'HH24:MI:SS') as since
       from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()`,
    [database],
  );
  if (rows.length === 0) return;
  const sessions = rows.map((r) => `  pid ${r.pid} ${r.application_name || '(no name)'} ${r.state} since ${r.since}`);
  throw new BranchError(
    [
      `database "${database}" has ${rows.length} other session(s); Postgres copies only an idle database:`,
      ...sessions,
      'Stop what uses it (e.g. `npm run dev`), or run again with --terminate to disconnect them.',
    ].join('\n'),
  );
}
