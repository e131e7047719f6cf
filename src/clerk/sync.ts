// Applies Clerk objects to Postgres with a deterministic winner rule, one SQL statement per
// event (atomic, and the same on the pg and Neon HTTP drivers, which has no transactions).
//
// The rule (README, "Webhook sync"):
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
import { type SQL, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { type Database, executeRows } from '../../db/client.ts';
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
    const ledger = sql`ledger as (
      insert into webhook_events (id, svix_id, event_type, outcome, payload)
      select ${uuidv7()}, ${delivery.svixId}, ${delivery.eventType}, outcome, ${bytea(delivery.payload)}
      from decision where outcome <> 'retry'
      on conflict (svix_id) do update
        set outcome = excluded.outcome, error = null, attempts = webhook_events.attempts + 1, processed_at = now()
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

/** Records a delivery that will not be applied: `failed` (kept for replay) or `ignored`. */
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
    values (${uuidv7()}, ${delivery.svixId}, ${delivery.eventType}, ${outcome}, ${error ?? null}, ${bytea(delivery.payload)})
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
      return tombstoneParent('users', 'clerk_user_id', event.data.id, deletion);
    case 'organization.created':
    case 'organization.updated':
      return upsertOrganization(event.data, live(event.data.updated_at));
    case 'organization.deleted':
      return tombstoneParent('organizations', 'clerk_org_id', event.data.id, deletion);
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
// Users and organizations

const liveWins = (table: string) =>
  sql.raw(`${table}.deleted_at is null
    and (${table}.is_placeholder or (${table}.source_version, ${table}.source_event_id) < (excluded.source_version, excluded.source_event_id))`);

function upsertUser(user: ClerkUser, source: SourceKey): Write {
  return {
    ctes: [
      sql`written as (
        insert into users as u (id, clerk_user_id, email, first_name, last_name, image_url,
          clerk_created_at, clerk_updated_at, source_version, source_event_id)
        values (${uuidv7()}, ${user.id}, ${primaryEmail(user)}, ${user.first_name ?? null}, ${user.last_name ?? null},
          ${user.image_url ?? null}, ${timestamp(user.created_at)}, ${timestamp(user.updated_at)}, ${source.version}, ${source.eventId})
        on conflict (clerk_user_id) do update set
          email = excluded.email, first_name = excluded.first_name, last_name = excluded.last_name,
          image_url = excluded.image_url, clerk_created_at = excluded.clerk_created_at,
          clerk_updated_at = excluded.clerk_updated_at, source_version = excluded.source_version,
          source_event_id = excluded.source_event_id, is_placeholder = false, synced_at = now()
        where ${liveWins('u')}
        returning 1
      )`,
    ],
    outcome: sql`case when exists (select 1 from written) then 'applied' else 'stale' end`,
  };
}

function upsertOrganization(organization: ClerkOrganization, source: SourceKey): Write {
  return {
    ctes: [
      sql`written as (
        insert into organizations as o (id, clerk_org_id, name, slug, image_url,
          clerk_created_at, clerk_updated_at, source_version, source_event_id)
        values (${uuidv7()}, ${organization.id}, ${organization.name}, ${organization.slug ?? null}, ${organization.image_url ?? null},
          ${timestamp(organization.created_at)}, ${timestamp(organization.updated_at)}, ${source.version}, ${source.eventId})
        on conflict (clerk_org_id) do update set
          name = excluded.name, slug = excluded.slug, image_url = excluded.image_url,
          clerk_created_at = excluded.clerk_created_at, clerk_updated_at = excluded.clerk_updated_at,
          source_version = excluded.source_version, source_event_id = excluded.source_event_id,
          is_placeholder = false, synced_at = now()
        where ${liveWins('o')}
        returning 1
      )`,
    ],
    outcome: sql`case when exists (select 1 from written) then 'applied' else 'stale' end`,
  };
}

const PARENT_COLUMNS = {
  users: ['email', 'first_name', 'last_name', 'image_url', 'clerk_created_at', 'clerk_updated_at'],
  organizations: ['name', 'slug', 'image_url', 'clerk_created_at', 'clerk_updated_at'],
} as const;

/**
 * Tombstones a user or organization and its memberships. Applies only when the row is the
 * version this statement's snapshot saw (see the header comment), else answers `retry`.
 */
function tombstoneParent(
  table: 'users' | 'organizations',
  clerkIdColumn: 'clerk_user_id' | 'clerk_org_id',
  clerkId: string,
  source: SourceKey,
): Write {
  const t = sql.raw(table);
  const idColumn = sql.raw(clerkIdColumn);
  const clear = sql.raw(PARENT_COLUMNS[table].map((column) => `${column} = null`).join(', '));
  const childColumn = sql.raw(table === 'users' ? 'user_id' : 'organization_id');
  const key = sql`(${source.version}::bigint, ${source.eventId}::text)`;
  return {
    ctes: [
      sql`seen as (
        select deleted_at, source_version, source_event_id, xmin::text as row_version
        from ${t} where ${idColumn} = ${clerkId}
      )`,
      sql`written as (
        insert into ${t} as p (id, ${idColumn}, source_version, source_event_id, deleted_at)
        values (${uuidv7()}, ${clerkId}, ${source.version}, ${source.eventId}, ${timestamp(source.version)})
        on conflict (${idColumn}) do update set ${clear},
          source_version = excluded.source_version, source_event_id = excluded.source_event_id,
          is_placeholder = false, synced_at = now(), deleted_at = excluded.deleted_at
        where p.xmin::text = (select row_version from seen)
          and (p.deleted_at is null or (p.source_version, p.source_event_id) < (excluded.source_version, excluded.source_event_id))
        returning p.id
      )`,
      sql`cascaded as (
        update organization_memberships m
        set role = null, clerk_created_at = null, clerk_updated_at = null, source_version = ${source.version},
          source_event_id = ${source.eventId}, synced_at = now(), deleted_at = ${timestamp(source.version)}
        from written
        where m.${childColumn} = written.id
          and (m.deleted_at is null or (m.source_version, m.source_event_id) < ${key})
      )`,
    ],
    // Not written: stale if the snapshot already held an equal or greater tombstone (tombstones
    // only grow), else the row changed or appeared after the snapshot: retry.
    outcome: sql`case
      when exists (select 1 from written) then 'applied'
      when exists (select 1 from seen where deleted_at is not null and (source_version, source_event_id) >= ${key}) then 'stale'
      else 'retry' end`,
  };
}

// ---------------------------------------------------------------------------------------------
// Memberships

/** Replaces a placeholder column only when the incoming placeholder wins (see the rule). */
const placeholderWins = (alias: string) =>
  `${alias}.is_placeholder and ${alias}.deleted_at is null
    and (${alias}.source_version, ${alias}.source_event_id) < (excluded.source_version, excluded.source_event_id)`;

const replaceIfPlaceholderWins = (alias: string, columns: readonly string[]) =>
  sql.raw(
    [...columns, 'source_version', 'source_event_id']
      .map(
        (column) =>
          `${column} = case when ${placeholderWins(alias)} then excluded.${column} else ${alias}.${column} end`,
      )
      .join(',\n'),
  );

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
    ctes.push(
      sql`org as (
        insert into organizations as o (id, clerk_org_id, name, slug, image_url, clerk_created_at, clerk_updated_at,
          source_version, source_event_id, is_placeholder)
        values (${uuidv7()}, ${org.id}, ${org.name ?? null}, ${org.slug ?? null}, ${org.image_url ?? null},
          ${timestamp(org.created_at)}, ${timestamp(org.updated_at)}, ${source.version}, ${source.eventId}, true)
        on conflict (clerk_org_id) do update set ${replaceIfPlaceholderWins('o', PARENT_COLUMNS.organizations)}
        returning o.id, o.deleted_at, o.source_version, o.source_event_id
      )`,
      sql`usr as (
        insert into users as u (id, clerk_user_id, email, first_name, last_name, image_url,
          source_version, source_event_id, is_placeholder)
        values (${uuidv7()}, ${user.user_id}, ${placeholderEmail(user.identifier)}, ${user.first_name ?? null},
          ${user.last_name ?? null}, ${user.image_url ?? null}, ${source.version}, ${source.eventId}, true)
        on conflict (clerk_user_id) do update set ${replaceIfPlaceholderWins('u', PARENT_COLUMNS.users)}
        returning u.id, u.deleted_at, u.source_version, u.source_event_id
      )`,
    );
    parents = sql`select org.id as organization_id, usr.id as user_id from org, usr`;
    parentDeaths = sql`select source_version, source_event_id from org where deleted_at is not null
      union all select source_version, source_event_id from usr where deleted_at is not null`;
  }
  const ownDeath = tombstone ? sql`union all select ${tombstone.version}::bigint, ${tombstone.eventId}::text` : sql``;
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
      insert into organization_memberships as m (id, clerk_membership_id, organization_id, user_id, role,
        clerk_created_at, clerk_updated_at, source_version, source_event_id, deleted_at)
      select ${uuidv7()}, ${clerkMembershipId}, i.organization_id, i.user_id,
        case when i.dead then null else ${membership?.role ?? null} end,
        case when i.dead then null else ${membership ? timestamp(membership.created_at) : null}::timestamptz end,
        case when i.dead then null else ${membership ? timestamp(membership.updated_at) : null}::timestamptz end,
        i.v, i.e, case when i.dead then to_timestamp(i.v / 1000.0) end
      from incoming i
      on conflict (clerk_membership_id) do update set
        organization_id = coalesce(m.organization_id, excluded.organization_id),
        user_id = coalesce(m.user_id, excluded.user_id),
        ${sql.raw(
          ['role', 'clerk_created_at', 'clerk_updated_at', 'source_version', 'source_event_id', 'deleted_at']
            .map((column) => `${column} = case when ${MEMBERSHIP_WINS} then excluded.${column} else m.${column} end`)
            .join(',\n'),
        )},
        synced_at = case when ${sql.raw(MEMBERSHIP_WINS)} then now() else m.synced_at end
      where ${sql.raw(MEMBERSHIP_WINS)} or m.organization_id is null or m.user_id is null
      returning m.synced_at = now() as applied
    )`,
  );
  return {
    ctes,
    outcome: sql`case when exists (select 1 from written where applied) then 'applied' else 'stale' end`,
  };
}

/** Incoming membership beats the stored one: tombstones beat live rows, else the greater key. */
const MEMBERSHIP_WINS = `(case when excluded.deleted_at is not null
    then m.deleted_at is null or (m.source_version, m.source_event_id) < (excluded.source_version, excluded.source_event_id)
    else m.deleted_at is null and (m.source_version, m.source_event_id) < (excluded.source_version, excluded.source_event_id)
  end)`;

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
