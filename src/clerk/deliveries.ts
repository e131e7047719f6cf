// What happens to a verified delivery: parse, classify, apply, ledger. Shared by the webhook
// route and `npm run webhooks:replay`, so a replayed event goes through exactly the same code.
import type { Database } from '../../db/client.ts';
import { clerkEvent, HANDLED_EVENT_TYPES } from './events.ts';
import { applyClerkEvent, type Delivery, type DeliveryOutcome, recordUnapplied } from './sync.ts';

export type ProcessResult = { outcome: DeliveryOutcome } | { failed: string };

export async function processDelivery(db: Database, svixId: string, payload: Uint8Array): Promise<ProcessResult> {
  const delivery: Delivery = { svixId, eventType: 'unknown', payload };
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(payload));
  } catch {
    return fail(db, delivery, 'The body is not valid JSON.');
  }
  const type = typeof json === 'object' && json !== null && 'type' in json ? json.type : undefined;
  if (typeof type === 'string') delivery.eventType = type.slice(0, 200);
  if (typeof type === 'string' && !HANDLED_EVENT_TYPES.has(type)) {
    const recorded = await recordUnapplied(db, delivery, 'ignored');
    return { outcome: recorded === 'ignored' ? 'ignored' : 'duplicate' };
  }
  const event = clerkEvent.safeParse(json);
  if (!event.success) {
    const reasons = event.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    return fail(db, delivery, `The event does not match its schema (${reasons.slice(0, 10).join('; ')}).`);
  }
  return { outcome: await applyClerkEvent(db, event.data, delivery) };
}

/** Keeps the raw event as failed, with the reason, so it can be replayed after a fix. */
async function fail(db: Database, delivery: Delivery, reason: string): Promise<ProcessResult> {
  await recordUnapplied(db, delivery, 'failed', reason);
  return { failed: reason };
}
