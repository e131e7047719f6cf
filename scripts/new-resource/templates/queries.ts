// src/<name>/queries.ts: the resource's statements, thin calls into src/lib/owned-resource.ts.
import type { ResourceNames } from '../names.ts';

export function queriesTs(n: ResourceNames): string {
  const { pascal: P, pascalPlural: PP, camel, camelPlural: table, constant: C } = n;
  return `// The statements of /v1/${n.plural}: the shared owned-resource statements (src/lib/owned-resource.ts)
// with this resource's table and projection. Each is ONE SQL statement, so one round trip.
import type { Database } from '../../db/client.ts';
import { ${table} } from '../../db/schema.ts';
import type { Owner } from '../auth/caller.ts';
import {
  deleteOwned,
  findOwned,
  insertOwned,
  listOwned,
  type NewOwnedRow,
  type OwnedResource,
  updateOwned,
} from '../lib/owned-resource.ts';

export const ${C}: OwnedResource<typeof ${table}> = { table: ${table}, ownedBy: '${n.owner}', singular: '${n.singularWords}' };

/** The columns ${n.a} ${n.singularWords} response is built from, plus \`version\` for the ETag. */
const ${camel}Columns = {
  id: ${table}.id,
  name: ${table}.name,
  description: ${table}.description,
  version: ${table}.version,
  createdAt: ${table}.createdAt,
  updatedAt: ${table}.updatedAt,
};

export const find${P} = (db: Database, owner: Owner, id: string) =>
  findOwned(db, ${C}, ${camel}Columns, owner, id);

export const list${PP} = (db: Database, owner: Owner, page: { limit: number; before: string | undefined }) =>
  listOwned(db, ${C}, ${camel}Columns, owner, page);

export const insert${P} = (db: Database, row: NewOwnedRow) => insertOwned(db, ${C}, row);

export const update${P} = (
  db: Database,
  owner: Owner,
  id: string,
  changes: { name?: string | undefined; description?: string | null | undefined },
  versions: number[] | 'any',
) => updateOwned(db, ${C}, ${camel}Columns, owner, id, changes, versions);

export const delete${P} = (db: Database, owner: Owner, id: string) => deleteOwned(db, ${C}, owner, id);
`;
}
