// The abuse limits of wrangler.toml ([[ratelimits]]) through the real Worker, at their deployed
// values: per caller on authenticated routes; per client IP on failed authentications (session
// tokens, webhook signatures) and on /ready. Each test goes over a limit on purpose, with callers
// and addresses of its own, so no other test ever meets a 429.
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { clerkEvents, signDelivery } from '../../scripts/lib/clerk-events.ts';
import { timeBudget } from '../../test/budget.ts';
import { documented } from '../../test/contract.ts';
import { call, uniqueId } from '../../test/helpers.ts';
import { sessionHeaders } from '../../test/sessions.ts';
import { deliver, webhookSecrets } from '../../test/webhooks.ts';
import { createApp } from '../app.ts';
import { registeredResources } from '../resources.ts';
import { RATE_LIMIT_PERIOD_SECONDS } from './rate-limit.ts';

// As in wrangler.toml (scripts/deploy-config.test.ts holds that file to them).
const CALLER_LIMIT = 600;
const CLIENT_IP_LIMIT = 100;

/** A user as Clerk's `user.created` syncs it: GET /v1/me answers 200 for them. */
const syncedUser = (id: string) => ({
  id,
  email: `${id}@example.com`,
  firstName: 'Rate',
  lastName: 'Limited',
  imageUrl: null,
  createdAt: Date.now(),
  updatedAt: Date.now(),
});

/**
 * An authenticated request that is counted and costs little: a malformed id on the first
 * resource's item route is answered 400 after the session and its count, before any query, so a
 * burst of 600 fits in a window on a busy machine; with no resource, GET /v1/me (one query each).
 */
const firstResource = registeredResources[0]?.folder;
const CHEAP = firstResource
  ? { path: `/v1/${firstResource}/not-a-uuid`, status: 400, operation: `GET /v1/${firstResource}/{id}` }
  : { path: '/v1/me', status: 200, operation: 'GET /v1/me' };

const WINDOW_MS = RATE_LIMIT_PERIOD_SECONDS * 1000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const clientIp = () => `198.19.${Math.floor(Math.random() * 256)}.${1 + Math.floor(Math.random() * 254)}`;

/**
 * Runs `burst` inside one counting window. Locally the windows are aligned to the wall clock
 * (miniflare's limiter), so a burst that would not fit in what is left of this one starts in the
 * next; one that failed across a boundary anyway (a busy machine) runs again, with the fresh
 * callers and addresses it makes.
 */
async function inOneWindow(requests: number, burst: () => Promise<void>): Promise<void> {
  const neededMs = 5_000 + requests * 40;
  for (let attempt = 1; ; attempt += 1) {
    const left = WINDOW_MS - (Date.now() % WINDOW_MS);
    if (left < neededMs) await sleep(left + 50);
    const window = Math.floor(Date.now() / WINDOW_MS);
    try {
      return await burst();
    } catch (error) {
      if (Math.floor(Date.now() / WINDOW_MS) === window || attempt === 3) throw error;
    }
  }
}

/** `count` requests made by `send`, 8 in flight; their statuses in order. */
async function statuses(count: number, send: (n: number) => Promise<Response>): Promise<number[]> {
  const results = new Array<number>(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < count) {
        const n = next++;
        const response = await send(n);
        await response.body?.cancel();
        results[n] = response.status;
      }
    }),
  );
  return results;
}

async function expectRateLimited(response: Response, operation: string) {
  expect(response.status).toBe(429);
  expect(response.headers.get('retry-after')).toBe(String(RATE_LIMIT_PERIOD_SECONDS));
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  expect(await documented(response, operation)).toMatchObject({ type: '/problems/rate-limited', status: 429 });
}

describe('rate limits', () => {
  it('limit each caller on authenticated routes, and no one else', {
    timeout: timeBudget({ requests: 3 * (CALLER_LIMIT + 5) }) + WINDOW_MS,
  }, async () => {
    await inOneWindow(CALLER_LIMIT, async () => {
      const ip = clientIp();
      const [busy, other] = [uniqueId('user'), uniqueId('user')];
      for (const id of [busy, other]) await deliver(clerkEvents.user('user.created', syncedUser(id)));
      const asCaller = async (sub: string) =>
        call(CHEAP.path, { headers: { ...(await sessionHeaders(sub)), 'cf-connecting-ip': ip } });
      const burst = await statuses(CALLER_LIMIT, () => asCaller(busy));
      expect(burst.filter((status) => status !== CHEAP.status)).toEqual([]);
      await expectRateLimited(await asCaller(busy), CHEAP.operation);
      // Another caller from the same address, and the per-IP count, are untouched.
      expect((await asCaller(other)).status).toBe(CHEAP.status);
      const anonymous = await call('/v1/me', { headers: { 'cf-connecting-ip': ip } });
      expect(anonymous.status).toBe(401);
    });
  });

  it('limit failed authentications per client IP, never a valid token from that IP', {
    timeout: timeBudget({ requests: 3 * (CLIENT_IP_LIMIT + 5) }) + WINDOW_MS,
  }, async () => {
    await inOneWindow(CLIENT_IP_LIMIT, async () => {
      const [attacker, bystander] = [clientIp(), clientIp()];
      const rejected = (ip: string) =>
        call('/v1/me', { headers: { authorization: 'Bearer not-a-jwt', 'cf-connecting-ip': ip } });
      const burst = await statuses(CLIENT_IP_LIMIT, () => rejected(attacker));
      expect(burst.filter((status) => status !== 401)).toEqual([]);
      await expectRateLimited(await rejected(attacker), 'GET /v1/me');
      // Without a token at all, too: every rejected authentication counts.
      await expectRateLimited(await call('/v1/me', { headers: { 'cf-connecting-ip': attacker } }), 'GET /v1/me');
      // A valid session from the same address is not affected.
      const user = uniqueId('user');
      await deliver(clerkEvents.user('user.created', syncedUser(user)));
      const valid = await call('/v1/me', {
        headers: { ...(await sessionHeaders(user)), 'cf-connecting-ip': attacker },
      });
      expect(valid.status).toBe(200);
      expect((await rejected(bystander)).status).toBe(401);
    });
  });

  it('limit bad webhook signatures per client IP, never a validly signed delivery', {
    timeout: timeBudget({ requests: 3 * (CLIENT_IP_LIMIT + 5) }) + WINDOW_MS,
  }, async () => {
    await inOneWindow(CLIENT_IP_LIMIT, async () => {
      const ip = clientIp();
      const event = () => clerkEvents.user('user.created', { id: uniqueId('user'), updatedAt: Date.now() });
      const post = (secret: string) => {
        const signed = signDelivery(secret, JSON.stringify(event()));
        return call('/webhooks/clerk', {
          method: 'POST',
          headers: { ...signed.headers, 'cf-connecting-ip': ip },
          body: signed.body,
        });
      };
      const forged = `whsec_${btoa('not-the-signing-secret')}`;
      const burst = await statuses(CLIENT_IP_LIMIT, () => post(forged));
      expect(burst.filter((status) => status !== 401)).toEqual([]);
      await expectRateLimited(await post(forged), 'POST /webhooks/clerk');
      const genuine = await post(webhookSecrets.at(-1)!);
      expect(genuine.status).toBe(200);
      expect(await genuine.json()).toEqual({ outcome: 'applied' });
    });
  });

  it('limit /ready per client IP', {
    timeout: timeBudget({ requests: 3 * (CLIENT_IP_LIMIT + 5) }) + WINDOW_MS,
  }, async () => {
    await inOneWindow(CLIENT_IP_LIMIT, async () => {
      const [prober, other] = [clientIp(), clientIp()];
      const ready = (ip: string) => call('/ready', { headers: { 'cf-connecting-ip': ip } });
      const burst = await statuses(CLIENT_IP_LIMIT, () => ready(prober));
      expect(burst.filter((status) => status !== 200)).toEqual([]);
      await expectRateLimited(await ready(prober), 'GET /ready');
      expect((await ready(other)).status).toBe(200);
    });
  });

  it('are never skipped: a missing binding is a 500 naming it', async () => {
    const { RATE_LIMIT_CALLER: _, ...withoutCallerLimit } = env;
    const ctx = createExecutionContext();
    const response = await createApp().fetch(
      new Request('http://api.test/v1/me', { headers: await sessionHeaders(uniqueId('user')) }),
      withoutCallerLimit,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({
      type: '/problems/misconfigured',
      detail: expect.stringContaining('RATE_LIMIT_CALLER'),
    });
  });
});
