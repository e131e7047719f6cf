// POST /webhooks/clerk: Clerk → Svix → here. Public (no session), authenticated by signature.
// Svix retries any non-2xx for about a day, so only a problem a retry can fix is a 5xx:
// a bad signature is 401, a payload we cannot read is 422 (kept in the ledger for replay).
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { processDelivery } from '../../clerk/deliveries.ts';
import { webhookConfig } from '../../config.ts';
import { ApiError, problemResponse } from '../../lib/problem.ts';
import { database } from '../../middleware/database.ts';
import type { AppEnv } from '../../types.ts';
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
    const payload = new Uint8Array(await c.req.arrayBuffer());
    if (!isSignedBy(signingSecrets, new TextDecoder().decode(payload), headers)) {
      throw unauthorized('The signature does not match, or the timestamp is more than 5 minutes off.');
    }
    const result = await processDelivery(c.var.db, headers['svix-id'], payload);
    if ('failed' in result) throw new ApiError(422, 'invalid-event', 'Unprocessable Event', result.failed);
    return c.json({ outcome: result.outcome });
  },
);

const unauthorized = (detail: string) => new ApiError(401, 'invalid-signature', 'Unauthorized', detail);
