// The core request and job paths whose query plans must stay index-driven. Each calls the app's
// own query code (as `npm run webhooks:replay` does), so what gets explained is exactly the SQL
// the Worker sends: a changed query is checked without copying it here. Resources add their own
// paths in `src/<folder>/explain.ts`.
import { uuidv7 } from 'uuidv7';
import { processDelivery } from '../../src/clerk/deliveries.ts';
import { eraseSpentPayloads, failedDeliveries, pruneLedger } from '../../src/clerk/ledger.ts';
import { pruneIdempotencyKeys } from '../../src/lib/idempotency.ts';
import { findUser } from '../../src/me/queries.ts';
import { clerkEvents } from '../lib/clerk-events.ts';
import type { CriticalPath } from './paths.ts';

const userUpdated = (clerkUserId: string) =>
  new TextEncoder().encode(
    JSON.stringify(
      clerkEvents.user('user.updated', { id: clerkUserId, email: 'new@example.com', updatedAt: Date.now() }),
    ),
  );

export const CORE_PATHS: CriticalPath[] = [
  {
    name: 'user by Clerk id',
    source: 'findUser, GET /v1/me',
    run: (db, s) => findUser(db, s.clerkUserId),
    indexes: ['users_clerk_user_id_key'],
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
  {
    name: 'ledger payload erasure batch',
    source: 'eraseSpentPayloads, the Cron Trigger',
    run: (db) => eraseSpentPayloads(db, { maxBatches: 1 }),
    indexes: ['webhook_events_erasable_idx'],
  },
  {
    name: 'idempotency key prune batch',
    source: 'pruneIdempotencyKeys, the Cron Trigger',
    run: (db) => pruneIdempotencyKeys(db, { maxBatches: 1 }),
    indexes: ['idempotency_keys_expires_at_idx'],
  },
];
