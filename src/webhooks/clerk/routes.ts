// POST /webhooks/clerk: Clerk → Svix → here. Public (no session), authenticated by signature.
// Svix retries any non-2xx for about a day, so only a problem a retry can fix is a 5xx:
// a bad signature is 401, a payload we cannot read is 422 (kept in the ledger for replay).
// A bad signature also counts against the sender's IP (429 over the limit, which Svix retries
// like the 401); a validly signed delivery is never rate-limited (README, "Security").
// Verification and processing (svix, the event schemas, the sync code) load on the first delivery:
// an isolate that only serves the API never pays for them at startup.
import { Hono } from 'hono';
import { webhookConfig } from '../../config.ts';
import { ApiError } from '../../lib/problem.ts';
import { limitBody } from '../../middleware/body-limit.ts';
import { database } from '../../middleware/database.ts';
import { countFailedAuthentication } from '../../middleware/rate-limit.ts';
import type { AppEnv } from '../../types.ts';

export const WEBHOOK_MAX_BYTES = 256 * 1024;

export const clerkWebhookRoutes = new Hono<AppEnv>().post(
  '/webhooks/clerk',
  limitBody(WEBHOOK_MAX_BYTES),
  database,
  async (c) => {
    const { signingSecrets } = webhookConfig(c.env);
    const { isSignedBy, svixHeaders } = await import('./verify.ts');
    const headers = svixHeaders((name) => c.req.header(name));
    if (!headers) {
      await countFailedAuthentication(c);
      throw invalidSignature('Missing svix-id, svix-timestamp or svix-signature header.');
    }
    const payload = new Uint8Array(await c.req.arrayBuffer());
    if (!isSignedBy(signingSecrets, new TextDecoder().decode(payload), headers)) {
      await countFailedAuthentication(c);
      throw invalidSignature('The signature does not match, or the timestamp is more than 5 minutes off.');
    }
    const { processDelivery } = await import('../../clerk/deliveries.ts');
    const result = await processDelivery(c.var.db, headers['svix-id'], payload);
    if ('failed' in result) throw new ApiError('invalid-event', result.failed);
    return c.json({ outcome: result.outcome });
  },
);

const invalidSignature = (detail: string) => new ApiError('invalid-signature', detail);
