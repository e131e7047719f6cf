// Every projects statement. Each function is ONE SQL statement (one round trip, atomic on both
// drivers): owners are resolved from the token's Clerk ids inside the statement, and outcomes
// such as "not found" versus "version mismatch" are told apart by the same statement.
import { and, eq, inArray, lt, type SQL, sql } from 'drizzle-orm';
import { type Database, executeRows } from '../../db/client.ts';
import { organizations, projects, users } from '../../db/schema.ts';
import type { Owner } from '../auth/caller.ts';

/** The columns a project response is built from, plus `version` for the ETag. */
const projectColumns = {
  id: projects.id,
  name: projects.name,
  description: projects.description,
  version: projects.version,
  createdAt: projects.createdAt,
  updatedAt: projects.updatedAt,
};

export interface ProjectRow {
  id: string;
  name: string;
  description: string | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

/** `projects` rows of the owner; the owner's uuid comes from its Clerk id in a subquery. */
function ownedBy(owner: Owner): SQL {
  return owner.kind === 'organization'
    ? eq(
        projects.organizationId,
        sql`(select ${organizations.id} from ${organizations} where ${organizations.clerkOrgId} = ${owner.clerkOrgId})`,
      )
    : eq(projects.userId, sql`(select ${users.id} from ${users} where ${users.clerkUserId} = ${owner.clerkUserId})`);
}

export async function findProject(db: Database, owner: Owner, id: string): Promise<ProjectRow | undefined> {
  const [row] = await db
    .select(projectColumns)
    .from(projects)
    .where(and(eq(projects.id, id), ownedBy(owner)));
  return row;
}

/**
 * A page, newest first: keyset on the UUIDv7 id, served in index order by
 * projects_organization_id_id_idx / projects_user_id_id_idx (no sort, no OFFSET). Fetches one
 * extra row to know whether another page follows.
 */
export function listProjects(db: Database, owner: Owner, page: { limit: number; before: string | undefined }) {
  return (
    db
      .select(projectColumns)
      .from(projects)
      .where(and(ownedBy(owner), page.before === undefined ? undefined : lt(projects.id, page.before)))
      // NULLS LAST as in the index definition (drizzle's `.desc()`): plain DESC means NULLS FIRST,
      // and Postgres would then sort instead of reading the index in order.
      .orderBy(sql`${projects.id} desc nulls last`)
      .limit(page.limit + 1)
  );
}

export interface NewProject {
  id: string;
  owner: Owner;
  /** Id for the owner row, used only if the owner is not synced yet (a placeholder). */
  placeholderOwnerId: string;
  name: string;
  description: string | null;
  createdAt: Date;
  idempotency: { keyHash: string; requestHash: string; response: string } | null;
}

export type InsertOutcome =
  | { kind: 'created' }
  | { kind: 'replayed'; requestHash: string | null; response: string | null };

/**
 * Inserts a project, idempotently when a key is given. One statement:
 * 1. the owner's uuid, inserting a placeholder owner row when Clerk's webhook has not arrived;
 * 2. an expired use of the key is released (its row keeps the project, loses the key);
 * 3. the insert; on a live key it returns the row that holds the key instead. A no-op
 *    ON CONFLICT DO UPDATE is what returns that row even when a concurrent request committed
 *    it after this statement began (DO NOTHING would return no row at all).
 */
export async function insertProject(db: Database, project: NewProject): Promise<InsertOutcome> {
  const ownerColumn = sql.identifier(project.owner.kind === 'organization' ? 'organization_id' : 'user_id');
  const key = project.idempotency;
  const [row] = await executeRows<{ id: string; request_hash: string | null; response: string | null }>(
    db,
    sql`with ${ownerRow(project.owner, project.placeholderOwnerId)},
    released as (
      update projects set idempotency_key_hash = null, idempotency_request_hash = null,
        idempotency_response = null, idempotency_expires_at = null
      where idempotency_key_hash = ${key?.keyHash ?? null} and idempotency_expires_at <= now()
      returning 1
    ),
    inserted as (
      insert into projects (id, ${ownerColumn}, name, description, created_at, updated_at,
        idempotency_key_hash, idempotency_request_hash, idempotency_response, idempotency_expires_at)
      select ${project.id}, owner.id, ${project.name}, ${project.description},
        ${project.createdAt.toISOString()}, ${project.createdAt.toISOString()},
        ${key?.keyHash ?? null}, ${key?.requestHash ?? null}, ${key?.response ?? null},
        ${key ? sql`now() + interval '24 hours'` : null}
      from owner
      -- Reading released first makes the release happen before the insert checks the key.
      where (select count(*) from released) >= 0
      on conflict (idempotency_key_hash) where idempotency_key_hash is not null
        do update set idempotency_key_hash = excluded.idempotency_key_hash
      returning id, idempotency_request_hash, idempotency_response
    )
    select id, idempotency_request_hash as request_hash, idempotency_response as response from inserted`,
  );
  if (!row) throw new Error('project insert returned no row');
  return row.id === project.id
    ? { kind: 'created' }
    : { kind: 'replayed', requestHash: row.request_hash, response: row.response };
}

/**
 * CTE `owner(id)`: the owner's row, or a placeholder inserted for it. A placeholder carries
 * the lowest winner key, so any real sync of the user or organization replaces it.
 */
function ownerRow(owner: Owner, placeholderId: string): SQL {
  const [table, clerkColumn, clerkId] =
    owner.kind === 'organization'
      ? [organizations, organizations.clerkOrgId, owner.clerkOrgId]
      : [users, users.clerkUserId, owner.clerkUserId];
  const column = sql.identifier(clerkColumn.name);
  return sql`owner_placeholder as (
      insert into ${table} (id, ${column}, is_placeholder, source_version, source_event_id)
      select ${placeholderId}, ${clerkId}, true, 0, 'placeholder'
      where not exists (select from ${table} where ${column} = ${clerkId})
      on conflict (${column}) do update set ${column} = excluded.${column}
      returning id
    ),
    owner as (
      select id from ${table} where ${column} = ${clerkId}
      union all select id from owner_placeholder
    )`;
}

export type UpdateOutcome = { kind: 'updated'; project: ProjectRow } | { kind: 'not-found' } | { kind: 'stale' };

/**
 * Applies changes if the project is visible to the owner and, unless `versions` is 'any', its
 * version is one of `versions`. The `target` CTE (the statement's snapshot) tells a missing
 * project (404) from a changed one (412); a concurrent update makes the UPDATE re-check the
 * version on the newest row, so a lost update is always caught.
 */
export async function updateProject(
  db: Database,
  owner: Owner,
  id: string,
  changes: { name?: string | undefined; description?: string | null | undefined },
  versions: number[] | 'any',
): Promise<UpdateOutcome> {
  const visible = and(eq(projects.id, id), ownedBy(owner));
  const versionMatches = versions === 'any' ? undefined : inArray(projects.version, versions);
  const target = db.$with('target').as(db.select({ id: projects.id }).from(projects).where(visible));
  const updated = db.$with('updated').as(
    db
      .update(projects)
      .set({ ...changes, version: sql`${projects.version} + 1`, updatedAt: new Date() })
      .where(and(visible, versionMatches))
      .returning(projectColumns),
  );
  const [row] = await db
    .with(target, updated)
    .select({
      found: target.id,
      project: {
        id: updated.id,
        name: updated.name,
        description: updated.description,
        version: updated.version,
        createdAt: updated.createdAt,
        updatedAt: updated.updatedAt,
      },
    })
    .from(target)
    .leftJoin(updated, eq(updated.id, target.id));
  if (!row) return { kind: 'not-found' };
  return row.project ? { kind: 'updated', project: row.project } : { kind: 'stale' };
}

/** Deletes a visible project; false when there is none. */
export async function deleteProject(db: Database, owner: Owner, id: string): Promise<boolean> {
  const deleted = await db
    .delete(projects)
    .where(and(eq(projects.id, id), ownedBy(owner)))
    .returning({ id: projects.id });
  return deleted.length > 0;
}
