// Helpers for /v1/projects tests: requests as a given caller, and direct reads of the rows.
import { eq, sql } from 'drizzle-orm';
import { executeRows } from '../db/client.ts';
import { organizations, projects, users } from '../db/schema.ts';
import { call, testDb } from './helpers.ts';
import { sessionHeaders } from './sessions.ts';

export interface Caller {
  sub: string;
  organization?: { id: string; role: string };
}

export interface ProjectBody {
  id: string;
  name: string;
  description: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A request to the Worker as `caller`, with a JSON body when `body` is given. */
export async function callAs(
  caller: Caller,
  path: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Response> {
  const headers: Record<string, string> = { ...(await sessionHeaders(caller.sub, caller.organization)) };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  return call(path, {
    method: init.method ?? 'GET',
    headers: { ...headers, ...init.headers },
    body: init.body === undefined ? null : JSON.stringify(init.body),
  });
}

export async function createProject(caller: Caller, name: string, headers: Record<string, string> = {}) {
  const response = await callAs(caller, '/v1/projects', { method: 'POST', body: { name }, headers });
  if (response.status !== 201) throw new Error(`create failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as ProjectBody;
}

/** Runs `work` with a direct pg connection (arranging and asserting, never the code under test). */
export async function withTestDb<T>(work: (db: ReturnType<typeof testDb>['db']) => Promise<T>): Promise<T> {
  const { db, close } = testDb();
  try {
    return await work(db);
  } finally {
    await close();
  }
}

export function projectRows(ids: string[]) {
  return withTestDb((db) =>
    executeRows<{ id: string; idempotency_key_hash: string | null }>(
      db,
      sql`select id, idempotency_key_hash from ${projects} where id in ${ids} order by id`,
    ),
  );
}

export function ownerProjectCount(owner: { organization: string } | { user: string }) {
  return withTestDb(async (db) => {
    const [row] = await executeRows<{ count: string }>(
      db,
      'organization' in owner
        ? sql`select count(*) from ${projects} join ${organizations} o on o.id = ${projects.organizationId} where o.clerk_org_id = ${owner.organization}`
        : sql`select count(*) from ${projects} join ${users} u on u.id = ${projects.userId} where u.clerk_user_id = ${owner.user}`,
    );
    return Number(row?.count);
  });
}

export function userRow(clerkUserId: string) {
  return withTestDb(async (db) => {
    const [row] = await db.select().from(users).where(eq(users.clerkUserId, clerkUserId));
    return row;
  });
}

export function organizationRow(clerkOrgId: string) {
  return withTestDb(async (db) => {
    const [row] = await db.select().from(organizations).where(eq(organizations.clerkOrgId, clerkOrgId));
    return row;
  });
}
