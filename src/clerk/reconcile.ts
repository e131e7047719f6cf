// Repairs drift after lost or disabled webhook deliveries: pages through Clerk's Backend API
// (most recently updated first) and applies every user and organization through the same
// winner rule as the webhook path. Bounded per run; stops on a long rate limit.
import type { Database } from '../../db/client.ts';
import { type ClerkApiConfig, listClerkObjects } from './backend-api.ts';
import { clerkOrganization, clerkUser } from './events.ts';
import { API_EVENT_ID, applyOrganizationSnapshot, applyUserSnapshot, type SyncOutcome } from './sync.ts';

export interface ReconcileOptions {
  /** Pages per object kind and run. */
  maxPages: number;
  pageSize: number;
  /** Longest Retry-After (seconds) worth waiting for within a run; longer ends the run. */
  maxRetryAfterSeconds: number;
}

export interface ReconcileReport {
  users: Record<SyncOutcome | 'invalid', number>;
  organizations: Record<SyncOutcome | 'invalid', number>;
  pages: number;
  /** Why the run ended before the last page, if it did. */
  stoppedEarly?: string;
}

export const CRON_RECONCILE: ReconcileOptions = { maxPages: 2, pageSize: 100, maxRetryAfterSeconds: 10 };

export async function reconcileClerk(
  db: Database,
  api: ClerkApiConfig,
  options: ReconcileOptions,
): Promise<ReconcileReport> {
  const report: ReconcileReport = {
    users: { applied: 0, stale: 0, invalid: 0 },
    organizations: { applied: 0, stale: 0, invalid: 0 },
    pages: 0,
  };
  const kinds = [
    { kind: 'users' as const, counts: report.users, apply: applyUser },
    { kind: 'organizations' as const, counts: report.organizations, apply: applyOrganization },
  ];
  for (const kind of kinds) {
    for (let page = 0; page < options.maxPages; page += 1) {
      const listed = await listPage(api, kind.kind, page * options.pageSize, options);
      if ('stop' in listed) {
        report.stoppedEarly = listed.stop;
        return report;
      }
      report.pages += 1;
      // One statement per object, in order: the same code path as a webhook, no batching tricks.
      for (const object of listed.objects) kind.counts[await kind.apply(db, object)] += 1;
      if (listed.objects.length < options.pageSize) break;
    }
  }
  return report;
}

async function applyUser(db: Database, object: unknown): Promise<SyncOutcome | 'invalid'> {
  const user = clerkUser.safeParse(object);
  if (!user.success) return 'invalid';
  return applyUserSnapshot(db, user.data, { version: user.data.updated_at, eventId: API_EVENT_ID });
}

async function applyOrganization(db: Database, object: unknown): Promise<SyncOutcome | 'invalid'> {
  const organization = clerkOrganization.safeParse(object);
  if (!organization.success) return 'invalid';
  return applyOrganizationSnapshot(db, organization.data, {
    version: organization.data.updated_at,
    eventId: API_EVENT_ID,
  });
}

/** One page. Waits out a short rate limit; a long one, or Clerk failing, ends the run. */
async function listPage(
  api: ClerkApiConfig,
  kind: 'users' | 'organizations',
  offset: number,
  options: ReconcileOptions,
): Promise<{ objects: unknown[] } | { stop: string }> {
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const page = await listClerkObjects(api, kind, { limit: options.pageSize, offset });
    if (page.status === 'ok') return page;
    const wait = page.retryAfterSeconds;
    if (page.reason !== 'HTTP 429' || wait === undefined || wait > options.maxRetryAfterSeconds) {
      return { stop: `Clerk /v1/${kind}: ${page.reason}${wait === undefined ? '' : ` (Retry-After: ${wait})`}` };
    }
    await new Promise((resolve) => setTimeout(resolve, wait * 1000));
  }
  return { stop: `Clerk /v1/${kind}: rate limited three times` };
}
