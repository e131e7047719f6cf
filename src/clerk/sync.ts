// Applies Clerk objects to Postgres with a deterministic winner rule, one SQL statement per
// event (atomic, and the same on the pg and Neon HTTP drivers, which has no transactions).
//
// The rule (README, "Webhook sync") is written once, `incomingWins`, and used by every write:
// - Live versions compete on (source_version, source_event_id): the greater wins.
// - A tombstone beats every live version; among tombstones the greater key wins (metadata only).
// - A placeholder (parent built from data embedded in a membership event) never overwrites full
//   data, and any full event replaces it; among placeholders the greater key wins.
// - A membership whose user or organization is deleted is stored deleted, with the greatest
//   tombstone key among its own delete and its parents'.
//
// Concurrency at READ COMMITTED: a statement sees the rows committed when it started. A
// `user.deleted` that cascades to memberships could miss a membership committed by a
// concurrent statement after that moment. Every membership statement therefore writes its
// parent rows first (a no-op upsert that locks them and reads their latest version), and a
// delete only applies if the parent row is the same version (`xmin`) it saw in its snapshot;
// otherwise it answers `retry` and runs again with a fresh snapshot. One round trip per event,
// a second only when such a race actually happened.
import { getTableColumns, SQL, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { uuidv7 } from 'uuidv7';
import { type Database, executeRows } from '../../db/client.ts';
import { organizationMemberships, organizations, SYNC_COLUMN_KEYS, users } from '../../db/schema.ts';
import { TransientError } from '../lib/db-errors.ts';
import {
  type ClerkEvent,
  type ClerkMembership,
  type ClerkOrganization,
  type ClerkUser,
  clerkMembership,
  primaryEmail,
} from './events.ts';

/** What applying one object did. `retry`: a concurrent statement changed a parent row. */
type WriteOutcome = 'applied' | 'stale' | 'retry';
export type SyncOutcome = 'applied' | 'stale';
/** What a delivery did, as answered to Svix. */
export type DeliveryOutcome = SyncOutcome | 'duplicate' | 'ignored';

/** The winner key of a write: the source's clock and the id of the event that carried it. */
export interface SourceKey {
  version: number;
  eventId: string;
}

/** One received webhook, as kept in the ledger. */
export interface Delivery {
  svixId: string;
  eventType: string;
  payload: Uint8Array;
}

/** The eventId of writes from Clerk's Backend API (reconciliation, /v1/me): sorts before
 *  every svix id (`msg_...`), so a webhook with the same version wins the tie. */
export const API_EVENT_ID = 'api';

/** A tombstoning write can race with a concurrent child write; it is retried this many times. */
const MAX_ATTEMPTS = 5;

/** A write as CTEs (`name as (...)`) plus an expression that yields applied | stale | retry. */
interface Write {
  ctes: SQL[];
  outcome: SQL;
}

// ---------------------------------------------------------------------------------------------
// Entry points

/** Applies a verified, validated webhook event and records it in the ledger, in one statement. */
export async function applyClerkEvent(
  db: Database,
  event: ClerkEvent,
  delivery: Delivery,
): Promise<Exclude<DeliveryOutcome, 'ignored'>> {
  const write = eventWrite(event, delivery.svixId);
  return retrying(async () => {
    const outcome = sql`(select outcome from decision)`;
    // An applied or stale event keeps no payload (schema: webhook_events.payload); a failed one
    // that now applies (a redelivery, a replay) loses the payload it was kept with.
    const ledger = sql`ledger as (
      insert into webhook_events (id, svix_id, event_type, outcome)
      select ${uuidv7()}, ${delivery.svixId}, ${delivery.eventType}, outcome
      from decision where outcome <> 'retry'
      on conflict (svix_id) do update
        set outcome = excluded.outcome, error = null, payload = null, attempts = webhook_events.attempts + 1,
          processed_at = now()
        where webhook_events.outcome = 'failed'
      returning outcome
    )`;
    const result = await run(
      db,
      sql`with ${sql.join([...write.ctes, sql`decision as (select ${write.outcome} as outcome)`, ledger], sql`, `)}
      select case when ${outcome} = 'retry' then 'retry' else coalesce((select outcome from ledger), 'duplicate') end as outcome`,
    );
    return result as 'applied' | 'stale' | 'duplicate' | 'retry';
  });
}

/** Applies a user read from Clerk's Backend API (reconciliation, the /v1/me fallback). */
export function applyUserSnapshot(db: Database, user: ClerkUser, source: SourceKey): Promise<SyncOutcome> {
  return applyWithoutLedger(db, upsertUser(user, source));
}

/** Applies an organization read from Clerk's Backend API (reconciliation). */
export function applyOrganizationSnapshot(
  db: Database,
  organization: ClerkOrganization,
  source: SourceKey,
): Promise<SyncOutcome> {
  return applyWithoutLedger(db, upsertOrganization(organization, source));
}

/**
 * Records a delivery that will not be applied: `failed`, with its payload for a replay, or
 * `ignored`, with none (Clerk's email.* and sms.* events carry message contents).
 */
export async function recordUnapplied(
  db: Database,
  delivery: Delivery,
  outcome: 'failed' | 'ignored',
  error?: string,
): Promise<'failed' | 'ignored' | 'duplicate'> {
  const rows = await executeRows<{ outcome: 'failed' | 'ignored' }>(
    db,
    sql`
    insert into webhook_events (id, svix_id, event_type, outcome, error, payload)
    values (${uuidv7()}, ${delivery.svixId}, ${delivery.eventType}, ${outcome}, ${error ?? null},
      ${outcome === 'failed' ? bytea(delivery.payload) : null})
    on conflict (svix_id) do update
      set error = excluded.error, attempts = webhook_events.attempts + 1, processed_at = now()
      where webhook_events.outcome = 'failed' and excluded.outcome = 'failed'
    returning outcome`,
  );
  return rows[0]?.outcome ?? 'duplicate';
}

// ---------------------------------------------------------------------------------------------
// Event → write

function eventWrite(event: ClerkEvent, svixId: string): Write {
  const live = (updatedAt: number): SourceKey => ({ version: updatedAt, eventId: svixId });
  // Deletes carry no updated_at: the envelope timestamp is their clock.
  const deletion: SourceKey = { version: event.timestamp, eventId: svixId };
  switch (event.type) {
    case 'user.created':
    case 'user.updated':
      return upsertUser(event.data, live(event.data.updated_at));
    case 'user.deleted':
      return tombstoneParent(USERS, event.data.id, deletion);
    case 'organization.created':
    case 'organization.updated':
      return upsertOrganization(event.data, live(event.data.updated_at));
    case 'organization.deleted':
      return tombstoneParent(ORGANIZATIONS, event.data.id, deletion);
    case 'organizationMembership.created':
    case 'organizationMembership.updated':
      return writeMembership(event.data.id, event.data, live(event.data.updated_at), undefined);
    case 'organizationMembership.deleted': {
      const full = clerkMembership.safeParse(event.data);
      return full.success
        ? writeMembership(full.data.id, full.data, live(full.data.updated_at), deletion)
        : writeMembership(event.data.id, undefined, deletion, deletion);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The winner rule, once (README, "Webhook sync", row by row). Every synced table carries the same
// sync columns, so it reads the same for users, organizations, memberships and placeholders.

/** The row a write brings: `excluded` in an upsert, or a tombstone with a given key. */
interface Incoming {
  isTombstone: SQL;
  isPlaceholder: SQL;
  key: SQL;
}

const EXCLUDED: Incoming = {
  isTombstone: sql`excluded.deleted_at is not null`,
  isPlaceholder: sql`excluded.is_placeholder`,
  key: sql`(excluded.source_version, excluded.source_event_id)`,
};

const tombstoneWith = (source: SourceKey): Incoming => ({
  isTombstone: sql`true`,
  isPlaceholder: sql`false`,
  key: sql`(${source.version}::bigint, ${source.eventId}::text)`,
});

/** Does `incoming` replace the stored row `stored` (a table alias)? */
function incomingWins(stored: string, incoming: Incoming = EXCLUDED): SQL {
  const row = sql.raw(stored);
  const storedKey = sql`(${row}.source_version, ${row}.source_event_id)`;
  return sql`(case
    -- live or placeholder | delete: tombstone; tombstone | delete with a greater key: metadata only
    when ${incoming.isTombstone} then ${row}.deleted_at is null or ${storedKey} < ${incoming.key}
    -- tombstone | live event, any version: nothing (deletes are terminal, Clerk never reuses ids)
    when ${row}.deleted_at is not null then false
    -- full or tombstone | placeholder: nothing; placeholder | placeholder: the greater key
    when ${incoming.isPlaceholder} then ${row}.is_placeholder and ${storedKey} < ${incoming.key}
    -- placeholder | full event, any version: replaced; live | live: the greater key
    else ${row}.is_placeholder or ${storedKey} < ${incoming.key}
  end)`;
}

// ---------------------------------------------------------------------------------------------
// The synced tables, as the statements need them (column lists from db/schema.ts)

interface SyncedTable {
  table: typeof users | typeof organizations | typeof organizationMemberships;
  /** The unique, immutable Clerk id column: the upserts' conflict target. */
  clerkId: AnyPgColumn;
  /** Clerk's data: what a newer copy replaces and a tombstone clears. */
  data: AnyPgColumn[];
}

function synced(table: SyncedTable['table'], clerkId: AnyPgColumn, keys: AnyPgColumn[]): SyncedTable {
  const notData = new Set([...keys, clerkId]);
  const data = Object.entries(getTableColumns(table))
    .filter(([key, column]) => !SYNC_COLUMN_KEYS.includes(key) && !notData.has(column))
    .map(([, column]) => column);
  return { table, clerkId, data };
}

const USERS = synced(users, users.clerkUserId, [users.id]);
const ORGANIZATIONS = synced(organizations, organizations.clerkOrgId, [organizations.id]);
const MEMBERSHIPS = synced(organizationMemberships, organizationMemberships.clerkMembershipId, [
  organizationMemberships.id,
  organizationMemberships.organizationId,
  organizationMemberships.userId,
]);

const names = (columns: AnyPgColumn[]) => columns.map((column) => column.name);
const list = (columns: string[]) => sql.raw(columns.join(', '));

/**
 * `insert into <table> as <alias> (...) values (...)`: a row of `t` with its Clerk id, `data`
 * (keyed by the schema's property names; values or SQL), sync key and flags.
 */
function insertRow(
  t: SyncedTable,
  alias: string,
  clerkId: string,
  data: Record<string, unknown>,
  source: SourceKey,
  flags: { isPlaceholder?: boolean; deletedAt?: SQL } = {},
): SQL {
  const columns = getTableColumns(t.table) as Record<string, AnyPgColumn>;
  const entries: [string, unknown][] = [
    ['id', uuidv7()],
    [t.clerkId.name, clerkId],
    ...Object.entries(data).map(([key, value]): [string, unknown] => [columns[key]!.name, value]),
    ['source_version', source.version],
    ['source_event_id', source.eventId],
    ...(flags.isPlaceholder ? [['is_placeholder', true] as [string, unknown]] : []),
    ...(flags.deletedAt ? [['deleted_at', flags.deletedAt] as [string, unknown]] : []),
  ];
  return sql`insert into ${t.table} as ${sql.raw(alias)} (${list(entries.map(([name]) => name))})
    values (${sql.join(
      entries.map(([, value]) => (value instanceof SQL ? value : sql`${value}`)),
      sql`, `,
    )})`;
}

/** `column = excluded.column` when the incoming row wins, else the stored value: the row stays locked. */
const replacedIfWins = (alias: string, columns: string[]) =>
  sql.join(
    columns.map(
      (column) =>
        sql`${sql.raw(column)} = case when ${incomingWins(alias)} then excluded.${sql.raw(column)} else ${sql.raw(alias)}.${sql.raw(column)} end`,
    ),
    sql`,\n`,
  );

// ---------------------------------------------------------------------------------------------
// Users and organizations

const userData = (user: ClerkUser) => ({
  email: primaryEmail(user),
  firstName: user.first_name ?? null,
  lastName: user.last_name ?? null,
  imageUrl: user.image_url ?? null,
  clerkCreatedAt: timestamp(user.created_at),
  clerkUpdatedAt: timestamp(user.updated_at),
});

const organizationData = (
  organization: Pick<ClerkOrganization, 'slug' | 'image_url' | 'created_at' | 'updated_at'> & {
    name?: string | null | undefined;
  },
) => ({
  name: organization.name ?? null,
  slug: organization.slug ?? null,
  imageUrl: organization.image_url ?? null,
  clerkCreatedAt: timestamp(organization.created_at),
  clerkUpdatedAt: timestamp(organization.updated_at),
});

/** A full copy of a user or organization, written when it wins. */
function upsertFull(t: SyncedTable, alias: string, clerkId: string, data: Record<string, unknown>, source: SourceKey) {
  const replaced = [...names(t.data), 'source_version', 'source_event_id'];
  return {
    ctes: [
      sql`written as (
        ${insertRow(t, alias, clerkId, data, source)}
        on conflict (${sql.raw(t.clerkId.name)}) do update set
          ${list(replaced.map((column) => `${column} = excluded.${column}`))}, is_placeholder = false, synced_at = now()
        where ${incomingWins(alias)}
        returning 1
      )`,
    ],
    outcome: sql`case when exists (select 1 from written) then 'applied' else 'stale' end`,
  };
}

const upsertUser = (user: ClerkUser, source: SourceKey): Write =>
  upsertFull(USERS, 'u', user.id, userData(user), source);

const upsertOrganization = (organization: ClerkOrganization, source: SourceKey): Write =>
  upsertFull(ORGANIZATIONS, 'o', organization.id, organizationData(organization), source);

/**
 * Tombstones a user or organization and its memberships. Applies only when the row is the
 * version this statement's snapshot saw (see the header comment), else answers `retry`.
 */
function tombstoneParent(t: typeof USERS, clerkId: string, source: SourceKey): Write {
  const membershipParent = sql.raw(t === USERS ? 'user_id' : 'organization_id');
  const cleared = [...names(t.data).map((column) => `${column} = null`)];
  return {
    ctes: [
      sql`seen as (
        select deleted_at, is_placeholder, source_version, source_event_id, xmin::text as row_version
        from ${t.table} where ${t.clerkId} = ${clerkId}
      )`,
      sql`written as (
        ${insertRow(t, 'p', clerkId, {}, source, { deletedAt: timestamp(source.version) })}
        on conflict (${sql.raw(t.clerkId.name)}) do update set ${list(cleared)},
          source_version = excluded.source_version, source_event_id = excluded.source_event_id,
          is_placeholder = false, synced_at = now(), deleted_at = excluded.deleted_at
        where p.xmin::text = (select row_version from seen) and ${incomingWins('p')}
        returning p.id
      )`,
      sql`cascaded as (
        update ${MEMBERSHIPS.table} m
        set ${list(names(MEMBERSHIPS.data).map((column) => `${column} = null`))}, source_version = ${source.version},
          source_event_id = ${source.eventId}, synced_at = now(), deleted_at = ${timestamp(source.version)}
        from written
        where m.${membershipParent} = written.id and ${incomingWins('m', tombstoneWith(source))}
      )`,
    ],
    // Not written: stale if the snapshot already held a tombstone the rule keeps (tombstones
    // only grow), else the row changed or appeared after the snapshot: retry.
    outcome: sql`case
      when exists (select 1 from written) then 'applied'
      when exists (select 1 from seen where not ${incomingWins('seen', tombstoneWith(source))}) then 'stale'
      else 'retry' end`,
  };
}

// ---------------------------------------------------------------------------------------------
// Memberships

/**
 * Writes a membership, creating placeholder parents from its embedded data when they are
 * missing. `tombstone` is set for delete events. `membership` is undefined for the bare
 * `{id, deleted}` shape, which names no parents.
 */
function writeMembership(
  clerkMembershipId: string,
  membership: ClerkMembership | undefined,
  source: SourceKey,
  tombstone: SourceKey | undefined,
): Write {
  const ctes: SQL[] = [];
  let parents = sql`select null::uuid as organization_id, null::uuid as user_id`;
  let parentDeaths = sql`select null::bigint as v, null::text as e where false`;
  if (membership) {
    const org = membership.organization;
    const user = membership.public_user_data;
    // Parent upserts always update (at least a no-op), which locks the row and returns its
    // latest committed version: the statement then sees a concurrent delete of the parent.
    const placeholderParent = (name: string, t: SyncedTable, alias: string, clerkId: string, data: object) =>
      sql`${sql.raw(name)} as (
        ${insertRow(t, alias, clerkId, { ...data }, source, { isPlaceholder: true })}
        on conflict (${sql.raw(t.clerkId.name)}) do update set
          ${replacedIfWins(alias, [...names(t.data), 'source_version', 'source_event_id'])}
        returning ${sql.raw(alias)}.id, ${sql.raw(alias)}.deleted_at, ${sql.raw(alias)}.source_version, ${sql.raw(alias)}.source_event_id
      )`;
    ctes.push(
      placeholderParent('org', ORGANIZATIONS, 'o', org.id, organizationData(org)),
      placeholderParent('usr', USERS, 'u', user.user_id, {
        email: placeholderEmail(user.identifier),
        firstName: user.first_name ?? null,
        lastName: user.last_name ?? null,
        imageUrl: user.image_url ?? null,
      }),
    );
    parents = sql`select org.id as organization_id, usr.id as user_id from org, usr`;
    parentDeaths = sql`select source_version, source_event_id from org where deleted_at is not null
      union all select source_version, source_event_id from usr where deleted_at is not null`;
  }
  const ownDeath = tombstone ? sql`union all select ${tombstone.version}::bigint, ${tombstone.eventId}::text` : sql``;
  // Clerk's data of the membership, none of it kept when the membership is stored deleted.
  const columns = getTableColumns(organizationMemberships) as Record<string, AnyPgColumn>;
  const data = Object.entries({
    role: membership?.role ?? null,
    clerkCreatedAt: membership ? timestamp(membership.created_at) : null,
    clerkUpdatedAt: membership ? timestamp(membership.updated_at) : null,
  }).map(([key, value]) => ({ column: columns[key]!, value }));
  const replaced = [...names(MEMBERSHIPS.data), 'source_version', 'source_event_id', 'deleted_at'];
  ctes.push(
    // The greatest tombstone key among the event itself (if a delete) and its deleted parents.
    sql`death as (
      select v, e from (${parentDeaths} ${ownDeath}) as d(v, e) order by v desc, e desc limit 1
    )`,
    sql`incoming as (
      select p.organization_id, p.user_id, d.v is not null as dead,
        coalesce(d.v, ${source.version}::bigint) as v, coalesce(d.e, ${source.eventId}::text) as e
      from (${parents}) as p left join death as d on true
    )`,
    sql`written as (
      insert into ${MEMBERSHIPS.table} as m (id, clerk_membership_id, organization_id, user_id,
        ${list(data.map(({ column }) => column.name))}, source_version, source_event_id, deleted_at)
      select ${uuidv7()}, ${clerkMembershipId}, i.organization_id, i.user_id,
        ${sql.join(
          data.map(
            ({ column, value }) => sql`case when i.dead then null else ${value}::${sql.raw(column.getSQLType())} end`,
          ),
          sql`, `,
        )},
        i.v, i.e, case when i.dead then to_timestamp(i.v / 1000.0) end
      from incoming i
      on conflict (clerk_membership_id) do update set
        organization_id = coalesce(m.organization_id, excluded.organization_id),
        user_id = coalesce(m.user_id, excluded.user_id),
        ${replacedIfWins('m', replaced)},
        synced_at = case when ${incomingWins('m')} then now() else m.synced_at end
      where ${incomingWins('m')} or m.organization_id is null or m.user_id is null
      returning m.synced_at = now() as applied
    )`,
  );
  return {
    ctes,
    outcome: sql`case when exists (select 1 from written where applied) then 'applied' else 'stale' end`,
  };
}

// ---------------------------------------------------------------------------------------------
// Helpers

function placeholderEmail(identifier: string | null | undefined): string | null {
  return identifier?.includes('@') ? identifier : null;
}

function timestamp(ms: number): SQL {
  return sql`to_timestamp(${ms}::bigint / 1000.0)`;
}

function bytea(bytes: Uint8Array): SQL {
  return sql`${`\\x${Buffer.from(bytes).toString('hex')}`}::bytea`;
}

async function run(db: Database, statement: SQL): Promise<string> {
  const [row] = await executeRows<{ outcome: unknown }>(db, statement);
  const outcome = row?.outcome;
  if (typeof outcome !== 'string') throw new Error('webhook statement returned no outcome');
  return outcome;
}

function applyWithoutLedger(db: Database, write: Write): Promise<SyncOutcome> {
  return retrying(
    async () =>
      (await run(db, sql`with ${sql.join(write.ctes, sql`, `)} select ${write.outcome} as outcome`)) as WriteOutcome,
  ) as Promise<SyncOutcome>;
}

/** Thrown when a write kept racing; a 503, so the sender retries later. */
export class SyncContentionError extends TransientError {
  constructor() {
    super(`write still contended after ${MAX_ATTEMPTS} attempts`);
    this.name = 'SyncContentionError';
  }
}

async function retrying<T extends string>(attempt: () => Promise<T | 'retry'>): Promise<T> {
  for (let i = 0; i < MAX_ATTEMPTS; i += 1) {
    const outcome = await attempt();
    if (outcome !== 'retry') return outcome;
  }
  throw new SyncContentionError();
}
