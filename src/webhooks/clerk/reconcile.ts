// Repairs drift after lost or disabled webhook deliveries: pages through Clerk's Backend API
// (most recently updated first) and applies every user and organization through the same
// winner rule as the webhook path. Bounded per run; stops on a long rate limit.
import type { Database } from '../../../db/client.ts';
import { API_EVENT_ID, applyOrganizationSnapshot, applyUserSnapshot, type SyncOutcome } from './apply.ts';
import { clerkOrganization, clerkUser } from './events.ts';

export interface ClerkApi {
  apiUrl: string;
  secretKey: string;
}

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

export class ClerkApiError extends Error {}

export async function reconcileClerk(db: Database, api: ClerkApi, options: ReconcileOptions): Promise<ReconcileReport> {
  const report: ReconcileReport = {
    users: { applied: 0, stale: 0, invalid: 0 },
    organizations: { applied: 0, stale: 0, invalid: 0 },
    pages: 0,
  };
  const kinds = [
    { path: '/v1/users', counts: report.users, apply: applyUser },
    { path: '/v1/organizations', counts: report.organizations, apply: applyOrganization },
  ];
  for (const kind of kinds) {
    for (let page = 0; page < options.maxPages; page += 1) {
      const listed = await listPage(api, kind.path, page * options.pageSize, options);
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

/** One page, newest updates first. Waits out a short 429; a long one ends the run. */
async function listPage(
  api: ClerkApi,
  path: string,
  offset: number,
  options: ReconcileOptions,
): Promise<{ objects: unknown[] } | { stop: string }> {
  const url = `${api.apiUrl}${path}?limit=${options.pageSize}&offset=${offset}&order_by=-updated_at`;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const response = await fetch(url, {
      headers: { Authorization: `Bearer ${api.secretKey}`, Accept: 'application/json' },
      signal: AbortSignal.timeout(10_000),
    });
    if (response.status === 429) {
      await response.body?.cancel();
      const wait = Number(response.headers.get('retry-after') ?? 'NaN');
      if (!(wait >= 0 && wait <= options.maxRetryAfterSeconds))
        return { stop: `rate limited on ${path} (Retry-After: ${wait})` };
      await new Promise((resolve) => setTimeout(resolve, wait * 1000));
      continue;
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new ClerkApiError(`Clerk ${path} answered HTTP ${response.status}`);
    }
    const body = (await response.json()) as unknown;
    // /v1/users answers a bare array; /v1/organizations wraps it in {data, total_count}.
    const objects = Array.isArray(body) ? body : (body as { data?: unknown }).data;
    if (!Array.isArray(objects)) throw new ClerkApiError(`Clerk ${path} answered an unexpected body`);
    return { objects };
  }
  return { stop: `rate limited on ${path} three times` };
}
