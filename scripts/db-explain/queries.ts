// The statements on the request and job paths whose plans must stay index-driven, as the app sends
// them (drizzle's rendering, with the same parameters). KEEP IN SYNC with:
// - src/me/queries.ts (findUser), src/projects/queries.ts (findProject, listProjects, the
//   idempotency key in insertProject), src/webhooks/clerk/apply.ts (the ledger's svix_id),
// - `npm run webhooks:replay` (failed events in id order) and the ledger prune job.
// The app's query modules cannot be imported here (db/client.ts needs the Workers runtime), so a
// changed query must be copied here in the same commit; `npm run db:explain` then proves its plan.

export interface Samples {
  clerkUserId: string;
  /** The organization with the most projects, and a cursor in the middle of its list. */
  clerkOrgId: string;
  orgCursor: string;
  orgProjectId: string;
  /** The user with the most personal projects, and a cursor in the middle of its list. */
  personalClerkUserId: string;
  personalCursor: string;
  svixId: string;
  idempotencyKeyHash: string;
  /** The smallest UUIDv7 of the ledger's retention cutoff (30 days ago). */
  pruneBefore: string;
}

export interface CriticalQuery {
  name: string;
  /** Where the app runs it. */
  source: string;
  sql: string;
  params: (samples: Samples) => unknown[];
  /** The plan must use one of these indexes. */
  indexes: string[];
  /** Writes run inside a transaction that is rolled back. */
  writes?: boolean;
}

const PROJECT_COLUMNS = `"id", "name", "description", "version", "created_at", "updated_at"`;
const ORG_OWNER = `(select "id" from "organizations" where "organizations"."clerk_org_id" = $1)`;
const USER_OWNER = `(select "id" from "users" where "users"."clerk_user_id" = $1)`;
const PAGE_SIZE = 50; // the API's largest page; the query fetches one more to know if a next page exists

export const CRITICAL_QUERIES: CriticalQuery[] = [
  {
    name: 'user by Clerk id',
    source: 'src/me/queries.ts findUser (every authenticated request)',
    sql: `select "id", "clerk_user_id", "email", "first_name", "last_name", "image_url", "clerk_created_at",
      "clerk_updated_at", "is_placeholder", "deleted_at" from "users" where "users"."clerk_user_id" = $1`,
    params: (s) => [s.clerkUserId],
    indexes: ['users_clerk_user_id_key'],
  },
  {
    name: 'ledger by svix id',
    source: 'src/webhooks/clerk/apply.ts (dedupe on svix_id), replay by id',
    sql: `select "id", "outcome", "attempts" from "webhook_events" where "svix_id" = $1`,
    params: (s) => [s.svixId],
    indexes: ['webhook_events_svix_id_key'],
  },
  {
    name: 'projects page, organization',
    source: 'src/projects/queries.ts listProjects (GET /v1/projects, next page)',
    sql: `select ${PROJECT_COLUMNS} from "projects" where ("projects"."organization_id" = ${ORG_OWNER}
      and "projects"."id" < $2) order by "projects"."id" desc nulls last limit $3`,
    params: (s) => [s.clerkOrgId, s.orgCursor, PAGE_SIZE + 1],
    indexes: ['projects_organization_id_id_idx'],
  },
  {
    name: 'projects first page, organization',
    source: 'src/projects/queries.ts listProjects (GET /v1/projects)',
    sql: `select ${PROJECT_COLUMNS} from "projects" where "projects"."organization_id" = ${ORG_OWNER}
      order by "projects"."id" desc nulls last limit $2`,
    params: (s) => [s.clerkOrgId, PAGE_SIZE + 1],
    indexes: ['projects_organization_id_id_idx'],
  },
  {
    name: 'projects page, personal',
    source: 'src/projects/queries.ts listProjects (no active organization)',
    sql: `select ${PROJECT_COLUMNS} from "projects" where ("projects"."user_id" = ${USER_OWNER}
      and "projects"."id" < $2) order by "projects"."id" desc nulls last limit $3`,
    params: (s) => [s.personalClerkUserId, s.personalCursor, PAGE_SIZE + 1],
    indexes: ['projects_user_id_id_idx'],
  },
  {
    name: 'project by id and owner',
    source: 'src/projects/queries.ts findProject (GET /v1/projects/:id)',
    sql: `select ${PROJECT_COLUMNS} from "projects" where ("projects"."id" = $2
      and "projects"."organization_id" = ${ORG_OWNER})`,
    params: (s) => [s.clerkOrgId, s.orgProjectId],
    indexes: ['projects_pkey', 'projects_organization_id_id_idx'],
  },
  {
    name: 'idempotency key',
    source: 'src/projects/queries.ts insertProject (Idempotency-Key)',
    sql: `select "id", "idempotency_request_hash", "idempotency_response", "idempotency_expires_at"
      from "projects" where "idempotency_key_hash" = $1`,
    params: (s) => [s.idempotencyKeyHash],
    indexes: ['projects_idempotency_key_hash_key'],
  },
  {
    name: 'failed ledger events to replay',
    source: 'npm run webhooks:replay (oldest failed first, keyset)',
    sql: `select "id", "svix_id", "payload" from "webhook_events"
      where "outcome" = 'failed' and "id" > $1 order by "id" limit $2`,
    params: () => ['00000000-0000-0000-0000-000000000000', 100],
    indexes: ['webhook_events_failed_idx'],
  },
  {
    name: 'ledger prune batch',
    source: 'the ledger prune job (30-day retention, bounded batches)',
    sql: `delete from "webhook_events" where ctid = any(array(
      select ctid from "webhook_events" where "id" < $1 order by "id" limit $2))`,
    params: (s) => [s.pruneBefore, 1000],
    indexes: ['webhook_events_pkey'],
    writes: true,
  },
];
