// The statements of a resource owned by a user or an organization: the shared mechanics every
// resource calls (`npm run new:resource` writes one), never SQL copied per resource. Each function is
// ONE statement, so one round trip and atomic on both drivers:
// - the owner is resolved from the session's Clerk id inside the statement (src/clerk/owners.ts),
//   so a row outside the caller's organization, or another user's, is simply not found (404);
// - pages are keyset pages on the UUIDv7 id, newest first, in the order of the owner's index;
// - a create counts the owner's rows against its quota and, with an Idempotency-Key, claims the
//   key in the same statement (src/lib/idempotency.ts);
// - an update with If-Match checks the version in the same statement, so two concurrent writers
//   cannot both win, and tells "gone" (404) from "changed" (412).
import { and, eq, getTableColumns, getTableName, inArray, lt, type SQL, sql } from 'drizzle-orm';
import type { AnyPgColumn, PgTable } from 'drizzle-orm/pg-core';
import { type Database, executeRows } from '../../db/client.ts';
import { type Caller, isOrganizationAdmin, type Owner } from '../auth/caller.ts';
import { ownerCte, ownerIdOf } from '../clerk/owners.ts';
import { claimIdempotencyKey, type IdempotencyClaim } from './idempotency.ts';
import { ApiError, notFound } from './problem.ts';

/** Who may own a resource's rows: decides its owner columns and whose rows a session sees. */
export type OwnedBy = 'user' | 'organization' | 'both';

/** A table with the columns every owned resource has (db/schema.ts, `ownedResourceColumns`). */
export type OwnedTable = PgTable & {
  id: AnyPgColumn;
  version: AnyPgColumn;
  createdAt: AnyPgColumn;
  updatedAt: AnyPgColumn;
  organizationId?: AnyPgColumn;
  userId?: AnyPgColumn;
};

export interface OwnedResource<T extends OwnedTable = OwnedTable> {
  table: T;
  ownedBy: OwnedBy;
  /** For problem details: "No such widget." */
  singular: string;
}

/** Whose rows the caller works with: the active organization, else the caller, as allowed. */
export function ownerFor(caller: Caller, resource: OwnedResource): Owner {
  if (resource.ownedBy !== 'user' && caller.organization) {
    return { kind: 'organization', clerkOrgId: caller.organization.id };
  }
  if (resource.ownedBy === 'organization') {
    throw new ApiError('forbidden', `Every ${resource.singular} belongs to an organization: choose one first.`);
  }
  return { kind: 'user', clerkUserId: caller.userId };
}

/**
 * The role rule of destructive actions: an organization's rows are changed this way by its
 * admins only. A member gets 403 for a row they can see and 404 for one they cannot, so the
 * check costs the same one statement either way.
 */
export async function requireDeleteRights(db: Database, resource: OwnedResource, caller: Caller, id: string) {
  const owner = ownerFor(caller, resource);
  if (owner.kind === 'user' || isOrganizationAdmin(caller)) return owner;
  if (await findOwned(db, resource, { id: resource.table.id }, owner, id)) {
    throw new ApiError('forbidden', `Deleting an organization's ${resource.singular} needs the org:admin role.`);
  }
  throw notFound(`No such ${resource.singular}.`);
}

function ownerColumn(resource: OwnedResource, owner: Owner): AnyPgColumn {
  const column = owner.kind === 'organization' ? resource.table.organizationId : resource.table.userId;
  if (!column) throw new Error(`${getTableName(resource.table)} has no ${owner.kind} owner column`);
  return column;
}

/** The resource's rows of `owner`. */
export function ownedBy(resource: OwnedResource, owner: Owner): SQL {
  return eq(ownerColumn(resource, owner), ownerIdOf(owner));
}

/** The row a projection of columns reads: `{ id: string, name: string, description: string | null }`. */
export type Row<F extends Fields> = {
  [K in keyof F]: F[K]['_']['notNull'] extends true ? F[K]['_']['data'] : F[K]['_']['data'] | null;
};
export type Fields = Record<string, AnyPgColumn>;

// Drizzle cannot type a select over a selection that is itself a type parameter; the functions
// below take the resource's projection and return `Row<F>`, so the loose type stays in here.
interface Select extends PromiseLike<Record<string, unknown>[]> {
  where(where: SQL | undefined): Select;
  orderBy(order: SQL): Select;
  limit(limit: number): Select;
}
const selectFrom = (db: Database, fields: Fields, table: PgTable) =>
  db.select(fields).from(table).$dynamic() as unknown as Select;

export async function findOwned<F extends Fields>(
  db: Database,
  resource: OwnedResource,
  fields: F,
  owner: Owner,
  id: string,
): Promise<Row<F> | undefined> {
  const [row] = await selectFrom(db, fields, resource.table).where(
    and(eq(resource.table.id, id), ownedBy(resource, owner)),
  );
  return row as Row<F> | undefined;
}

/**
 * A page, newest first: keyset on the UUIDv7 id, served in index order by the owner's
 * `(owner_id, id desc)` index (no sort, no OFFSET). One extra row says whether a page follows.
 */
export function listOwned<F extends Fields>(
  db: Database,
  resource: OwnedResource,
  fields: F,
  owner: Owner,
  page: { limit: number; before: string | undefined },
): PromiseLike<Row<F>[]> {
  const { id } = resource.table;
  return (
    selectFrom(db, fields, resource.table)
      .where(and(ownedBy(resource, owner), page.before === undefined ? undefined : lt(id, page.before)))
      // NULLS LAST as in the index definition (drizzle's `.desc()`): plain DESC means NULLS FIRST,
      // and Postgres would then sort instead of reading the index in order.
      .orderBy(sql`${id} desc nulls last`)
      .limit(page.limit + 1) as PromiseLike<Row<F>[]>
  );
}

export interface NewOwnedRow {
  owner: Owner;
  /** Id for the owner row, used only if the owner is not synced yet (a placeholder). */
  placeholderOwnerId: string;
  /** The row, keyed by the table's column keys (`id`, `createdAt`, ...), owner columns excluded. */
  values: Record<string, unknown>;
  idempotency: IdempotencyClaim | null;
  /** The owner's quota of this resource (`quotaConfig`, src/config.ts). */
  maxRowsPerOwner: number;
}

export type InsertOutcome = { kind: 'created' } | { kind: 'replayed'; requestHash: string; response: string };

/**
 * Inserts a row for its owner, creating a placeholder owner when needed, unless the owner already
 * has `maxRowsPerOwner` rows (409 quota-exceeded). The count reads at most that many entries of
 * the owner's index. Concurrent creates of one owner each count before the others commit, so the
 * quota can be passed by the creates in flight at once, never more. With an Idempotency-Key the
 * same statement claims the key first, and inserts only if this request holds it; a retry of an
 * earlier create gets its original answer even when the owner is now at its quota.
 */
export async function insertOwned(db: Database, resource: OwnedResource, row: NewOwnedRow): Promise<InsertOutcome> {
  const columns = getTableColumns(resource.table);
  const entries = Object.entries(row.values).map(([key, value]) => {
    const column = columns[key];
    if (!column) throw new Error(`${getTableName(resource.table)} has no column ${key}`);
    return { name: sql.identifier(column.name), value: sql`${column.mapToDriverValue(value)}` };
  });
  const owned = sql.identifier(ownerColumn(resource, row.owner).name);
  const quota = row.maxRowsPerOwner;
  const hasRoom = sql`(select has_room from room)`;
  const key = row.idempotency;
  const holdsKey = key ? sql`and exists (select from claim where mine)` : sql``;
  const [result] = await executeRows<{
    created: boolean;
    has_room: boolean;
    request_hash: string | null;
    response: string | null;
  }>(
    db,
    sql`with ${ownerCte(row.owner, row.placeholderOwnerId)},
    room as (
      select count(*) < ${quota} as has_room
      from (select from ${resource.table} where ${owned} = (select id from owner) limit ${quota}) as taken
    )${key ? sql`, ${claimIdempotencyKey(key, hasRoom)}` : sql``},
    inserted as (
      insert into ${resource.table} (${owned}, ${sql.join(
        entries.map((entry) => entry.name),
        sql`, `,
      )})
      select owner.id, ${sql.join(
        entries.map((entry) => entry.value),
        sql`, `,
      )} from owner where ${hasRoom} ${holdsKey}
      returning 1
    )
    select exists (select from inserted) as created, ${hasRoom} as has_room,
      ${key ? sql`(select request_hash from claim)` : sql`null`} as request_hash,
      ${key ? sql`(select response from claim)` : sql`null`} as response`,
  );
  if (result?.created) return { kind: 'created' };
  // Not inserted: another request holds the key (the claim returned its stored answer)...
  if (key && result?.request_hash && result.response) {
    return { kind: 'replayed', requestHash: result.request_hash, response: result.response };
  }
  // ...or the owner is at its quota.
  if (result && !result.has_room) {
    throw new ApiError(
      'quota-exceeded',
      `This owner has reached its quota (${quota} per owner) for this resource; delete a ${resource.singular} first.`,
    );
  }
  throw new Error(`${getTableName(resource.table)} insert returned no row`);
}

export type UpdateOutcome<R> = { kind: 'updated'; row: R } | { kind: 'not-found' } | { kind: 'stale' };

/**
 * Applies `changes` if the row is visible to the owner and, unless `versions` is 'any', its
 * version is one of `versions`; bumps the version. The `target` CTE (the statement's snapshot)
 * tells a missing row (404) from a changed one (412); a concurrent update makes the UPDATE
 * re-check the version on the newest row, so a lost update is always caught.
 */
export async function updateOwned<F extends Fields & { id: AnyPgColumn }>(
  db: Database,
  resource: OwnedResource,
  fields: F,
  owner: Owner,
  id: string,
  changes: Record<string, unknown>,
  versions: number[] | 'any',
): Promise<UpdateOutcome<Row<F>>> {
  const { table } = resource;
  const visible = and(eq(table.id, id), ownedBy(resource, owner));
  const versionMatches = versions === 'any' ? undefined : inArray(table.version, versions);
  const target = db.$with('target').as(db.select({ id: table.id }).from(table).where(visible));
  const updated = db.$with('updated').as(
    db
      .update(table)
      .set({ ...changes, version: sql`${table.version} + 1`, updatedAt: new Date() })
      .where(and(visible, versionMatches))
      .returning(fields),
  ) as unknown as PgTable & F;
  const returned = Object.fromEntries(Object.keys(fields).map((key) => [key, updated[key as keyof F]]));
  const joined = db
    .with(target, updated as never)
    .select({ found: target.id, row: returned })
    .from(target) as unknown as { leftJoin(table: unknown, on: SQL): PromiseLike<{ row: Row<F> | null }[]> };
  const [row] = await joined.leftJoin(updated, eq(updated.id, target.id));
  if (!row) return { kind: 'not-found' };
  return row.row ? { kind: 'updated', row: row.row } : { kind: 'stale' };
}

/** Deletes a visible row; false when there is none. */
export async function deleteOwned(db: Database, resource: OwnedResource, owner: Owner, id: string): Promise<boolean> {
  const deleted = await db
    .delete(resource.table)
    .where(and(eq(resource.table.id, id), ownedBy(resource, owner)))
    .returning({ id: resource.table.id });
  return deleted.length > 0;
}
