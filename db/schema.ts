// The single source of truth for the database. Migrations are generated from this file
// (`npm run db:generate`); validation schemas and row types derive from it.
//
// Conventions (see README, "Schema rules"):
// - Primary keys are UUIDv7 made in the app: time-ordered, so inserts append to the index
//   and keyset pagination on `id` is also creation order.
// - External ids (Clerk's) are separate, unique and never updated.
// - Rows synced from Clerk are never hard-deleted by the sync: a delete writes a tombstone
//   (`deleted_at`) that clears every non-key column, so late events cannot resurrect them.
// - Every foreign key names its ON DELETE rule; every index names the query it serves.
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  customType,
  index,
  integer,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { uuidv7 } from 'uuidv7';

/** Raw bytes. Webhook bodies may hold NUL characters, which `text` and `jsonb` reject. */
export const bytea = customType<{ data: Uint8Array; driverData: string | Uint8Array }>({
  dataType: () => 'bytea',
  toDriver: (value) => `\\x${Buffer.from(value).toString('hex')}`,
  fromDriver: (value) => (typeof value === 'string' ? Uint8Array.from(Buffer.from(value.slice(2), 'hex')) : value),
});

const id = () =>
  uuid('id')
    .primaryKey()
    .$defaultFn(() => uuidv7());

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * Sync metadata carried by every row copied from Clerk. Internal: never part of an API response.
 * - source_version: the source's clock for this row (`data.updated_at` in ms; the envelope
 *   `timestamp` for deletes). With source_event_id it forms the winner key (version, event id).
 * - source_event_id: the svix id (or `sync:...` for reconciliation) of the write that set the row.
 * - is_placeholder: created from data embedded in another entity's event; any full event wins.
 * - synced_at: when this copy last changed, for reconciliation and audit.
 * - deleted_at: tombstone; terminal.
 */
const syncColumns = () => ({
  sourceVersion: bigint('source_version', { mode: 'number' }).notNull(),
  sourceEventId: text('source_event_id').notNull(),
  isPlaceholder: boolean('is_placeholder').notNull().default(false),
  syncedAt: timestamptz('synced_at').notNull().defaultNow(),
  deletedAt: timestamptz('deleted_at'),
});

/** Users synced from Clerk. Read by the session's Clerk user id on every authenticated request. */
export const users = pgTable(
  'users',
  {
    id: id(),
    clerkUserId: text('clerk_user_id').notNull(),
    email: text('email'),
    firstName: text('first_name'),
    lastName: text('last_name'),
    imageUrl: text('image_url'),
    clerkCreatedAt: timestamptz('clerk_created_at'),
    clerkUpdatedAt: timestamptz('clerk_updated_at'),
    ...syncColumns(),
  },
  (t) => [
    // Lookup by session subject (GET /v1/me) and the webhook upsert's conflict target.
    uniqueIndex('users_clerk_user_id_key').on(t.clerkUserId),
    // A tombstone keeps only keys and sync metadata.
    check(
      'users_tombstone_is_empty',
      sql`${t.deletedAt} is null or num_nonnulls(${t.email}, ${t.firstName}, ${t.lastName}, ${t.imageUrl}, ${t.clerkCreatedAt}, ${t.clerkUpdatedAt}) = 0`,
    ),
  ],
);

/** Organizations synced from Clerk. Owners of organization projects; parents of memberships. */
export const organizations = pgTable(
  'organizations',
  {
    id: id(),
    clerkOrgId: text('clerk_org_id').notNull(),
    name: text('name'),
    slug: text('slug'),
    imageUrl: text('image_url'),
    clerkCreatedAt: timestamptz('clerk_created_at'),
    clerkUpdatedAt: timestamptz('clerk_updated_at'),
    ...syncColumns(),
  },
  (t) => [
    // Lookup by the token's org claim and the webhook upsert's conflict target.
    uniqueIndex('organizations_clerk_org_id_key').on(t.clerkOrgId),
    check(
      'organizations_tombstone_is_empty',
      sql`${t.deletedAt} is null or num_nonnulls(${t.name}, ${t.slug}, ${t.imageUrl}, ${t.clerkCreatedAt}, ${t.clerkUpdatedAt}) = 0`,
    ),
  ],
);

/**
 * Organization memberships synced from Clerk.
 * Deletion rules (enforced by the webhook statements, see src/clerk/sync.ts):
 * - deleting the user or the organization tombstones the membership;
 * - a membership that arrives after its user or organization was deleted is stored as deleted;
 * - a `{deleted: true}` event that arrives first has no parents yet: organization_id and user_id
 *   stay null until a later event for the membership fills them in.
 * ON DELETE CASCADE applies only to hard purges (e.g. a GDPR erase script); the sync never
 * hard-deletes.
 */
export const organizationMemberships = pgTable(
  'organization_memberships',
  {
    id: id(),
    clerkMembershipId: text('clerk_membership_id').notNull(),
    organizationId: uuid('organization_id').references(() => organizations.id, {
      onDelete: 'cascade',
    }),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'cascade' }),
    role: text('role'),
    clerkCreatedAt: timestamptz('clerk_created_at'),
    clerkUpdatedAt: timestamptz('clerk_updated_at'),
    ...syncColumns(),
  },
  (t) => [
    // The webhook upsert's conflict target.
    uniqueIndex('organization_memberships_clerk_membership_id_key').on(t.clerkMembershipId),
    // user.deleted tombstones a user's memberships; also "organizations of a user".
    index('organization_memberships_user_id_idx').on(t.userId),
    // organization.deleted tombstones an organization's memberships; also "members of an org".
    index('organization_memberships_organization_id_idx').on(t.organizationId),
    check(
      'organization_memberships_tombstone_is_empty',
      sql`${t.deletedAt} is null or num_nonnulls(${t.role}, ${t.clerkCreatedAt}, ${t.clerkUpdatedAt}) = 0`,
    ),
  ],
);

/**
 * Ledger of received webhook deliveries, one row per svix id: makes redeliveries duplicates,
 * keeps failed events for replay, and is the audit trail. Pruned after 30 days by the cron job
 * through the primary key (UUIDv7 ids are time-ordered), so it needs no time index.
 */
export const webhookEvents = pgTable(
  'webhook_events',
  {
    id: id(),
    svixId: text('svix_id').notNull(),
    eventType: text('event_type').notNull(),
    // applied | stale | ignored | failed
    outcome: text('outcome').notNull(),
    error: text('error'),
    // The raw body as received, so a failed event can be replayed after a fix.
    payload: bytea('payload').notNull(),
    attempts: integer('attempts').notNull().default(1),
    receivedAt: timestamptz('received_at').notNull().defaultNow(),
    processedAt: timestamptz('processed_at').notNull().defaultNow(),
  },
  (t) => [
    // Dedupe key: one row per svix id, decided by the statement that inserts it.
    uniqueIndex('webhook_events_svix_id_key').on(t.svixId),
    // `npm run webhooks:replay` walks failed events in arrival order.
    index('webhook_events_failed_idx').on(t.id).where(sql`${t.outcome} = 'failed'`),
    check('webhook_events_outcome_check', sql`${t.outcome} in ('applied', 'stale', 'ignored', 'failed')`),
  ],
);

/**
 * The example resource: projects owned by an organization (created with an active organization
 * in the session) or by a user personally. Delete this table, its folder src/projects/ and its
 * routes when you start your own resources; keep the patterns.
 * Ownership: exactly one of organization_id / user_id. Deletion: a project is hard-deleted by
 * DELETE /v1/projects/:id; purging its owner row cascades. Tombstoned owners keep their
 * projects (a deleted user or organization can no longer get a session to reach them).
 */
export const projects = pgTable(
  'projects',
  {
    id: id(),
    organizationId: uuid('organization_id').references(() => organizations.id, { onDelete: 'cascade' }),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    description: text('description'),
    // Optimistic concurrency: the ETag. Bumped by every update.
    version: integer('version').notNull().default(1),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
    // Idempotent create (Idempotency-Key header), kept on the row it created instead of a
    // separate table: sha256 of (caller, key), sha256 of the request body, the original
    // response body, and when the key stops counting (24 h).
    idempotencyKeyHash: text('idempotency_key_hash'),
    idempotencyRequestHash: text('idempotency_request_hash'),
    idempotencyResponse: text('idempotency_response'),
    idempotencyExpiresAt: timestamptz('idempotency_expires_at'),
  },
  (t) => [
    check('projects_one_owner', sql`num_nonnulls(${t.organizationId}, ${t.userId}) = 1`),
    // GET /v1/projects for an organization: newest first by UUIDv7 id (keyset, no sort step).
    index('projects_organization_id_id_idx')
      .on(t.organizationId, t.id.desc())
      .where(sql`${t.organizationId} is not null`),
    // GET /v1/projects for a user's personal projects, same order.
    index('projects_user_id_id_idx').on(t.userId, t.id.desc()).where(sql`${t.userId} is not null`),
    // Idempotency-Key lookups and the conflict target of the idempotent insert.
    uniqueIndex('projects_idempotency_key_hash_key')
      .on(t.idempotencyKeyHash)
      .where(sql`${t.idempotencyKeyHash} is not null`),
  ],
);
