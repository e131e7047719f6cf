// Helpers for the /v1/projects tests: creating projects as a caller, and direct reads of the rows.
import { sql } from 'drizzle-orm';
import { executeRows } from '../../db/client.ts';
import { organizations, projects, users } from '../../db/schema.ts';
import { withTestDb } from '../../test/helpers.ts';
import { callAs, type TestCaller } from '../../test/sessions.ts';

export interface ProjectBody {
  id: string;
  name: string;
  description: string | null;
  createdAt: string;
  updatedAt: string;
}

export async function createProject(caller: TestCaller, name: string, headers: Record<string, string> = {}) {
  const response = await callAs(caller, '/v1/projects', { method: 'POST', body: { name }, headers });
  if (response.status !== 201) throw new Error(`create failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as ProjectBody;
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
