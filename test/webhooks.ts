// Helpers for webhook tests: signed deliveries through the real Worker, and the synced state.
import { env } from 'cloudflare:workers';
import { sql } from 'drizzle-orm';
import { executeRows } from '../db/client.ts';
import { type ClerkEnvelope, signDelivery } from '../scripts/lib/clerk-events.ts';
import { call, testDb } from './helpers.ts';

export const webhookSecrets = env.CLERK_WEBHOOK_SIGNING_SECRET.split(' ');

export interface Sent {
  response: Response;
  outcome: string | undefined;
}

/** Signs an event with the current secret and posts it to POST /webhooks/clerk. */
export async function deliver(
  event: ClerkEnvelope | string,
  options: { svixId?: string; secret?: string; timestamp?: Date } = {},
): Promise<Sent> {
  const body = typeof event === 'string' ? event : JSON.stringify(event);
  const signed = signDelivery(options.secret ?? webhookSecrets.at(-1)!, body, options);
  const response = await call('/webhooks/clerk', { method: 'POST', headers: signed.headers, body: signed.body });
  const outcome = response.ok ? ((await response.clone().json()) as { outcome: string }).outcome : undefined;
  return { response, outcome };
}

export function svixId(): string {
  return `msg_${crypto.randomUUID().replaceAll('-', '')}`;
}

export async function ledgerRows(svixIds: string[]) {
  const { db, close } = testDb();
  try {
    return await executeRows<{
      svix_id: string;
      outcome: string;
      error: string | null;
      attempts: number;
      event_type: string;
    }>(
      db,
      sql`select svix_id, outcome, error, attempts, event_type from webhook_events where svix_id in ${svixIds} order by svix_id`,
    );
  } finally {
    await close();
  }
}

/**
 * Everything the sync stored for Clerk ids containing `marker`, with generated uuids replaced by
 * Clerk ids and `marker` replaced by `as`, so two runs over different ids can be compared.
 */
export async function syncedState(marker: string, as = marker) {
  const { db, close } = testDb();
  const like = `%${marker}%`;
  const norm = <T>(rows: T[]) => JSON.parse(JSON.stringify(rows).replaceAll(marker, as)) as T[];
  try {
    const users = await executeRows(
      db,
      sql`select clerk_user_id, email, first_name, last_name, image_url, clerk_created_at::text, clerk_updated_at::text,
            source_version::text, source_event_id, is_placeholder, deleted_at::text
          from users where clerk_user_id like ${like} order by clerk_user_id`,
    );
    const organizations = await executeRows(
      db,
      sql`select clerk_org_id, name, slug, image_url, clerk_created_at::text, clerk_updated_at::text,
            source_version::text, source_event_id, is_placeholder, deleted_at::text
          from organizations where clerk_org_id like ${like} order by clerk_org_id`,
    );
    const memberships = await executeRows(
      db,
      sql`select m.clerk_membership_id, o.clerk_org_id, u.clerk_user_id, m.role, m.clerk_created_at::text,
            m.clerk_updated_at::text, m.source_version::text, m.source_event_id, m.deleted_at::text
          from organization_memberships m
          left join organizations o on o.id = m.organization_id
          left join users u on u.id = m.user_id
          where m.clerk_membership_id like ${like} order by m.clerk_membership_id`,
    );
    return { users: norm(users), organizations: norm(organizations), memberships: norm(memberships) };
  } finally {
    await close();
  }
}
