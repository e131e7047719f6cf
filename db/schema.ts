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
  type ExtraConfigColumn,
  index,
  integer,
  // example:start
  pgSequence,
  // example:end
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

/**
 * A tombstone keeps only keys and sync metadata: `<table>_tombstone_is_empty` checks that every
 * column of Clerk's data (all but the keys and sync columns) is null once `deleted_at` is set.
 */
function tombstoneIsEmpty(table: string, t: Record<string, ExtraConfigColumn>, keys: string[]) {
  const notData = new Set([...keys, ...SYNC_COLUMN_KEYS]);
  const data = Object.entries(t).filter(([key]) => !notData.has(key));
  return check(
    `${table}_tombstone_is_empty`,
    sql`${t.deletedAt} is null or num_nonnulls(${sql.join(
      data.map(([, column]) => column),
      sql`, `,
    )}) = 0`,
  );
}

/** The property names of the sync columns: what is not Clerk's data in a synced table. */
export const SYNC_COLUMN_KEYS: readonly string[] = Object.keys(syncColumns());

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
    tombstoneIsEmpty('users', t, ['id', 'clerkUserId']),
  ],
);

/** Organizations synced from Clerk. Owners of organization-owned resources; parents of memberships. */
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
    tombstoneIsEmpty('organizations', t, ['id', 'clerkOrgId']),
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
    tombstoneIsEmpty('organization_memberships', t, ['id', 'clerkMembershipId', 'organizationId', 'userId']),
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
    // The raw body as received, kept only while the event is not applied (outcome `failed`), so it
    // can be replayed after a fix. Applied, stale and ignored deliveries keep none: Clerk's
    // payloads carry personal data (emails, names, message contents) that a user.deleted must
    // not leave behind, and the ledger's job for them is the dedupe and the audit trail.
    payload: bytea('payload'),
    attempts: integer('attempts').notNull().default(1),
    receivedAt: timestamptz('received_at').notNull().defaultNow(),
    processedAt: timestamptz('processed_at').notNull().defaultNow(),
  },
  (t) => [
    // Dedupe key: one row per svix id, decided by the statement that inserts it.
    uniqueIndex('webhook_events_svix_id_key').on(t.svixId),
    // `npm run webhooks:replay` walks failed events in arrival order.
    index('webhook_events_failed_idx').on(t.id).where(sql`${t.outcome} = 'failed'`),
    // The scheduled erasure of payloads a delivery no longer needs (rows written before payloads
    // stopped being kept): empty once they are gone, so it costs nothing after that.
    index('webhook_events_erasable_idx').on(t.id).where(sql`${t.payload} is not null and ${t.outcome} <> 'failed'`),
    check('webhook_events_outcome_check', sql`${t.outcome} in ('applied', 'stale', 'ignored', 'failed')`),
  ],
);

/**
 * Idempotency-Key records of creates, for every resource (src/lib/idempotency.ts). Its own table
 * rather than four nullable columns on each resource table: a record has a lifecycle of its own
 * (it lives 24 h, is taken over when expired and deleted by the scheduled job), most rows of a
 * resource never have one, and a resource's table then holds only the resource. Written by the
 * create statement itself, so a create is still one round trip.
 * Deletion: pruned by the scheduled job after expiry; a resource deleted within the 24 h keeps its
 * record, so a retry of its create still gets the original 201 (the answer to that request).
 */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    id: id(),
    // sha256 of (operation, caller, key): one caller's key never meets another's.
    keyHash: text('key_hash').notNull(),
    // sha256 of the owner and the validated body: the same key with another request is a 422.
    requestHash: text('request_hash').notNull(),
    // The original response body, replayed to retries.
    response: text('response').notNull(),
    expiresAt: timestamptz('expires_at').notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (t) => [
    // The create statement's claim: lookup and conflict target.
    uniqueIndex('idempotency_keys_key_hash_key').on(t.keyHash),
    // The scheduled prune of expired records, in bounded batches.
    index('idempotency_keys_expires_at_idx').on(t.expiresAt),
  ],
);

/** Who may own a resource's rows (src/lib/owned-resource.ts). */
type OwnedBy = 'user' | 'organization' | 'both';

/**
 * The columns every resource owned by a user or an organization has: a UUIDv7 id, its owner's
 * foreign key (ON DELETE CASCADE: purging an owner row purges its resources; a tombstoned owner
 * keeps them, and a deleted user or organization can no longer get a session to reach them),
 * the version behind ETag / If-Match (bumped by every update), and timestamps.
 */
export function ownedResourceColumns<O extends OwnedBy>(ownedBy: O) {
  // Builders are mutable (`.notNull()` changes the builder it is called on): one per use.
  const organizationId = () => uuid('organization_id').references(() => organizations.id, { onDelete: 'cascade' });
  const userId = () => uuid('user_id').references(() => users.id, { onDelete: 'cascade' });
  type Owners = O extends 'both'
    ? { organizationId: ReturnType<typeof organizationId>; userId: ReturnType<typeof userId> }
    : O extends 'organization'
      ? { organizationId: ReturnType<ReturnType<typeof organizationId>['notNull']> }
      : { userId: ReturnType<ReturnType<typeof userId>['notNull']> };
  const owners = (
    ownedBy === 'both'
      ? { organizationId: organizationId(), userId: userId() }
      : ownedBy === 'organization'
        ? { organizationId: organizationId().notNull() }
        : { userId: userId().notNull() }
  ) as Owners;
  return {
    id: id(),
    ...owners,
    version: integer('version').notNull().default(1),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
  };
}

/**
 * Their indexes: the list of an owner's rows, newest first, is a keyset page read in the order of
 * `(owner_id, id desc)`, with no sort step. A table owned by both kinds has one partial index per
 * owner kind and a check that each row has exactly one owner.
 */
export function ownedResourceIndexes(
  name: string,
  t: { id: ExtraConfigColumn; organizationId?: ExtraConfigColumn; userId?: ExtraConfigColumn },
) {
  const both = t.organizationId !== undefined && t.userId !== undefined;
  const byOwner = (column: ExtraConfigColumn) => {
    const ownerIndex = index(`${name}_${column.name}_id_idx`).on(column, t.id.desc());
    return both ? ownerIndex.where(sql`${column} is not null`) : ownerIndex;
  };
  return [
    ...(both ? [check(`${name}_one_owner`, sql`num_nonnulls(${t.organizationId}, ${t.userId}) = 1`)] : []),
    ...(t.organizationId ? [byOwner(t.organizationId)] : []),
    ...(t.userId ? [byOwner(t.userId)] : []),
  ];
}

// example:start
/**
 * The example resource: projects owned by an organization (created with an active organization
 * in the session) or by a user personally. `npm run init -- --without-example` removes it, with
 * its folder src/projects/ and its migrations; `npm run new:resource` makes your own the same way.
 */
export const projects = pgTable(
  'projects',
  {
    ...ownedResourceColumns('both'),
    name: text('name').notNull(),
    description: text('description'),
    // Deprecated: Idempotency-Key records moved to idempotency_keys (migration 0003); no code
    // reads or writes these since. Dropped by a contract migration in the next release, once no
    // deployed release writes them (docs/migrations.md, "Expand and contract", step 7).
    idempotencyKeyHash: text('idempotency_key_hash'),
    idempotencyRequestHash: text('idempotency_request_hash'),
    idempotencyResponse: text('idempotency_response'),
    idempotencyExpiresAt: timestamptz('idempotency_expires_at'),
    // Publication (PUT /v1/projects/{id}/publication, src/projects/publication-routes.ts): columns
    // here rather than a table. A project has at most one publication, it has no lifecycle of its
    // own (unpublishing clears it, deleting the project ends it) and is read with the project's own
    // columns, so a 1:1 satellite would only add a join and a second row to keep in step.
    // - public_slug: the public address /p/{slug}, lower case; null when not published.
    // - published_at: when it was first published under this slug.
    // - public_version: orders the states of the public page, for the copies kept in KV
    //   (src/projects/public-page.ts). Every statement that changes what /p/{slug} shows sets it
    //   from projects_public_version_seq, after locking the row: a later state has a greater one.
    publicSlug: text('public_slug'),
    publishedAt: timestamptz('published_at'),
    publicVersion: bigint('public_version', { mode: 'number' }).notNull().default(0),
  },
  (t) => [
    ...ownedResourceIndexes('projects', t),
    // Deprecated with the columns above.
    uniqueIndex('projects_idempotency_key_hash_key')
      .on(t.idempotencyKeyHash)
      .where(sql`${t.idempotencyKeyHash} is not null`),
    // GET /p/{slug} (a KV miss) and the uniqueness of slugs; only published projects have one.
    uniqueIndex('projects_public_slug_key').on(t.publicSlug).where(sql`${t.publicSlug} is not null`),
    check('projects_publication_check', sql`(${t.publicSlug} is null) = (${t.publishedAt} is null)`),
  ],
);

/** The source of `projects.public_version`: one sequence, so versions compare across projects. */
export const projectPublicVersions = pgSequence('projects_public_version_seq');

/**
 * Files of a project (PUT /v1/projects/{id}/assets/{name}), one row per name: the metadata in
 * Postgres, the bytes in R2 under `object_key` (src/projects/assets.ts). A key is made per upload
 * and never reused, so an object never changes under its key. Its own table: a project has many.
 * Deletion: ON DELETE CASCADE with the project; the app deletes the objects after the commit and
 * the scheduled sweep removes what that missed (src/projects/maintenance.ts).
 */
export const projectAssets = pgTable(
  'project_assets',
  {
    id: id(),
    projectId: uuid('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    objectKey: text('object_key').notNull(),
    contentType: text('content_type').notNull(),
    sizeBytes: integer('size_bytes').notNull(),
    // Lower-case hex SHA-256 of the bytes: the asset's ETag.
    sha256: text('sha256').notNull(),
    uploadedAt: timestamptz('uploaded_at').notNull().defaultNow(),
  },
  (t) => [
    // Upsert by (project, name), and a project's assets in name order for its public page.
    uniqueIndex('project_assets_project_id_name_key').on(t.projectId, t.name),
    // The orphan sweep walks R2 keys and this index side by side.
    uniqueIndex('project_assets_object_key_key').on(t.objectKey),
    check('project_assets_size_check', sql`${t.sizeBytes} > 0`),
    check('project_assets_sha256_check', sql`${t.sha256} ~ '^[0-9a-f]{64}$'`),
  ],
);
// example:end
