// POST /webhooks/clerk: Clerk → Svix → here. Public (no session), authenticated by signature.
// Svix retries any non-2xx for about a day, so only a problem a retry can fix is a 5xx:
// a bad signature is 401, a payload we cannot read is 422 (kept in the ledger for replay).
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { webhookConfig } from '../../config.ts';
import { ApiError, problemResponse } from '../../lib/problem.ts';
import { database } from '../../middleware/database.ts';
import type { AppEnv } from '../../types.ts';
import { applyClerkEvent, type Delivery, recordUnapplied } from './apply.ts';
import { clerkEvent, HANDLED_EVENT_TYPES } from './events.ts';
import { isSignedBy, svixHeaders } from './verify.ts';

export const WEBHOOK_MAX_BYTES = 256 * 1024;

export const clerkWebhookRoutes = new Hono<AppEnv>().post(
  '/webhooks/clerk',
  bodyLimit({
    maxSize: WEBHOOK_MAX_BYTES,
    onError: (c) =>
      problemResponse(
        c,
        new ApiError(
          413,
          'payload-too-large',
          'Payload Too Large',
          `Webhook bodies are limited to ${WEBHOOK_MAX_BYTES} bytes.`,
        ),
      ),
  }),
  database,
  async (c) => {
    const { signingSecrets } = webhookConfig(c.env);
    const headers = svixHeaders((name) => c.req.header(name));
    if (!headers) throw unauthorized('Missing svix-id, svix-timestamp or svix-signature header.');
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    const body = new TextDecoder().decode(bytes);
    if (!isSignedBy(signingSecrets, body, headers)) {
      throw unauthorized('The signature does not match, or the timestamp is more than 5 minutes off.');
    }

    const delivery: Delivery = { svixId: headers['svix-id'], eventType: 'unknown', payload: bytes };
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      return unprocessable(c.var.db, delivery, 'The body is not valid JSON.');
    }
    const type = typeof json === 'object' && json !== null && 'type' in json ? json.type : undefined;
    if (typeof type === 'string') delivery.eventType = type.slice(0, 200);
    if (typeof type === 'string' && !HANDLED_EVENT_TYPES.has(type)) {
      return c.json({ outcome: await ignoredOutcome(c.var.db, delivery) });
    }
    const event = clerkEvent.safeParse(json);
    if (!event.success) {
      const reasons = event.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
      return unprocessable(
        c.var.db,
        delivery,
        `The event does not match its schema (${reasons.slice(0, 10).join('; ')}).`,
      );
    }
    return c.json({ outcome: await applyClerkEvent(c.var.db, event.data, delivery) });
  },
);

const unauthorized = (detail: string) => new ApiError(401, 'invalid-signature', 'Unauthorized', detail);

async function ignoredOutcome(db: AppEnv['Variables']['db'], delivery: Delivery) {
  const outcome = await recordUnapplied(db, delivery, 'ignored');
  return outcome === 'ignored' ? 'ignored' : 'duplicate';
}

/** Keeps the raw event as failed (replayable after a fix) and answers 422. */
async function unprocessable(db: AppEnv['Variables']['db'], delivery: Delivery, detail: string): Promise<never> {
  await recordUnapplied(db, delivery, 'failed', detail);
  throw new ApiError(422, 'invalid-event', 'Unprocessable Event', detail);
}
