// Helpers for webhook tests: signed deliveries through the real Worker, and the synced state.
import { env } from 'cloudflare:workers';
import { sql } from 'drizzle-orm';
import { executeRows } from '../db/client.ts';
import { type ClerkEnvelope, signDelivery } from '../scripts/lib/clerk-events.ts';
import { call, testDb } from './helpers.ts';
import { readSyncedState } from './synced-state.ts';

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

/**
 * Delivers like Svix: a 503 (the database did not answer in time, e.g. connections piling up on
 * a busy machine) is redelivered with the same svix id until another answer comes. Returns the
 * final answer and how many 503s preceded it.
 */
export async function deliverAsSvix(
  event: ClerkEnvelope,
  options: { svixId?: string } = {},
): Promise<Sent & { redelivered: number }> {
  const id = options.svixId ?? svixId();
  for (let redelivered = 0; ; redelivered += 1) {
    const sent = await deliver(event, { svixId: id });
    if (sent.response.status !== 503 || redelivered === 5) return { ...sent, redelivered };
    await sent.response.body?.cancel();
    await new Promise((resolve) => setTimeout(resolve, 200 * 2 ** redelivered));
  }
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

/** The synced state of Clerk ids containing `marker` (see test/synced-state.ts). */
export async function syncedState(marker: string, as = marker) {
  const { db, close } = testDb();
  try {
    return await readSyncedState(db, marker, as);
  } finally {
    await close();
  }
}
