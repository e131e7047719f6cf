// src/<name>/testing.ts: helpers of the resource's tests.
import type { ResourceNames } from '../names.ts';

export function testingTs(n: ResourceNames): string {
  const { pascal: P, camelPlural: table } = n;
  const path = `/v1/${n.plural}`;
  const byOrganization = `sql\`select count(*) from \${${table}} join \${organizations} o on o.id = \${${table}.organizationId} where o.clerk_org_id = \${owner.organization}\``;
  const byUser = `sql\`select count(*) from \${${table}} join \${users} u on u.id = \${${table}.userId} where u.clerk_user_id = \${owner.user}\``;
  const owners = {
    both: {
      schema: `organizations, ${table}, users`,
      type: '{ organization: string } | { user: string }',
      count: `'organization' in owner\n        ? ${byOrganization}\n        : ${byUser}`,
    },
    user: { schema: `${table}, users`, type: '{ user: string }', count: byUser },
    organization: { schema: `organizations, ${table}`, type: '{ organization: string }', count: byOrganization },
  }[n.owner];
  return `// Helpers for the ${path} tests: creating ${n.words} as a caller, and direct reads of the rows.
import { sql } from 'drizzle-orm';
import { executeRows } from '../../db/client.ts';
import { ${owners.schema} } from '../../db/schema.ts';
import { withTestDb } from '../../test/helpers.ts';
import { callAs, type TestCaller } from '../../test/sessions.ts';

export interface ${P}Body {
  id: string;
  name: string;
  description: string | null;
  createdAt: string;
  updatedAt: string;
}

export async function create${P}(caller: TestCaller, name: string, headers: Record<string, string> = {}) {
  const response = await callAs(caller, '${path}', { method: 'POST', body: { name }, headers });
  if (response.status !== 201) throw new Error(\`create failed: \${response.status} \${await response.text()}\`);
  return (await response.json()) as ${P}Body;
}

export function owner${P}Count(owner: ${owners.type}) {
  return withTestDb(async (db) => {
    const [row] = await executeRows<{ count: string }>(
      db,
      ${owners.count},
    );
    return Number(row?.count);
  });
}
`;
}
