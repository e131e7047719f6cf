// The request and job paths whose query plans must stay index-driven. Each one calls the app's own
// query code (as `npm run webhooks:replay` does), so what gets explained is exactly the SQL the
// Worker sends: a changed query is checked without copying it here. A path the app adds belongs
// in this list.
import { uuidv7 } from 'uuidv7';
import type { Database } from '../../db/client.ts';
import type { Owner } from '../../src/auth/caller.ts';
import { processDelivery } from '../../src/clerk/deliveries.ts';
import { failedDeliveries, pruneLedger } from '../../src/clerk/ledger.ts';
import { findUser } from '../../src/me/queries.ts';
import { findProject, insertProject, listProjects } from '../../src/projects/queries.ts';
import { clerkEvents } from '../lib/clerk-events.ts';

/** Real values from the seeded database (seed.ts pickSamples). */
export interface Samples {
  clerkUserId: string;
  /** The organization with the most projects, and a project in the middle of its list. */
  clerkOrgId: string;
  orgCursor: string;
  /** The user with the most personal projects, and a project in the middle of that list. */
  personalClerkUserId: string;
  personalCursor: string;
  /** A delivery already in the ledger. */
  svixId: string;
  idempotencyKeyHash: string;
}

export interface CriticalPath {
  name: string;
  /** The app code that runs it. */
  source: string;
  run: (db: Database, samples: Samples) => Promise<unknown>;
  /** Its statements must use one of these indexes (ON CONFLICT arbiters count). */
  indexes: string[];
}

const PAGE = { limit: 50, before: undefined };
const org = (s: Samples): Owner => ({ kind: 'organization', clerkOrgId: s.clerkOrgId });
const personal = (s: Samples): Owner => ({ kind: 'user', clerkUserId: s.personalClerkUserId });
const userUpdated = (clerkUserId: string) =>
  new TextEncoder().encode(
    JSON.stringify(
      clerkEvents.user('user.updated', { id: clerkUserId, email: 'new@example.com', updatedAt: Date.now() }),
    ),
  );

export const CRITICAL_PATHS: CriticalPath[] = [
  {
    name: 'user by Clerk id',
    source: 'findUser, GET /v1/me',
    run: (db, s) => findUser(db, s.clerkUserId),
    indexes: ['users_clerk_user_id_key'],
  },
  {
    name: 'projects first page, organization',
    source: 'listProjects, GET /v1/projects',
    run: (db, s) => listProjects(db, org(s), PAGE),
    indexes: ['projects_organization_id_id_idx'],
  },
  {
    name: 'projects next page, organization',
    source: 'listProjects, GET /v1/projects?cursor=',
    run: (db, s) => listProjects(db, org(s), { ...PAGE, before: s.orgCursor }),
    indexes: ['projects_organization_id_id_idx'],
  },
  {
    name: 'projects next page, personal',
    source: 'listProjects, GET /v1/projects?cursor=',
    run: (db, s) => listProjects(db, personal(s), { ...PAGE, before: s.personalCursor }),
    indexes: ['projects_user_id_id_idx'],
  },
  {
    name: 'project by id and owner',
    source: 'findProject, GET /v1/projects/:id',
    run: (db, s) => findProject(db, org(s), s.orgCursor),
    indexes: ['projects_pkey', 'projects_organization_id_id_idx'],
  },
  {
    name: 'create with a used Idempotency-Key',
    source: 'insertProject, POST /v1/projects',
    run: (db, s) =>
      insertProject(db, {
        id: uuidv7(),
        owner: org(s),
        placeholderOwnerId: uuidv7(),
        name: 'Retried project',
        description: null,
        createdAt: new Date(),
        idempotency: { keyHash: s.idempotencyKeyHash, requestHash: 'request', response: '{}' },
      }),
    indexes: ['projects_idempotency_key_hash_key'],
  },
  {
    name: 'webhook user.updated',
    source: 'processDelivery, POST /webhooks/clerk',
    run: (db, s) => processDelivery(db, `msg_explain_${uuidv7()}`, userUpdated(s.clerkUserId)),
    indexes: ['users_clerk_user_id_key'],
  },
  {
    name: 'webhook redelivery (duplicate)',
    source: 'processDelivery, POST /webhooks/clerk',
    run: (db, s) => processDelivery(db, s.svixId, userUpdated(s.clerkUserId)),
    indexes: ['webhook_events_svix_id_key'],
  },
  {
    name: 'failed events to replay',
    source: 'failedDeliveries, npm run webhooks:replay',
    run: (db) => failedDeliveries(db, 100),
    indexes: ['webhook_events_failed_idx'],
  },
  {
    name: 'ledger prune batch',
    source: 'pruneLedger, the Cron Trigger',
    run: (db) => pruneLedger(db, { maxBatches: 1 }),
    indexes: ['webhook_events_pkey'],
  },
];
