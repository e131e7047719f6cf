// Check 5, rate limits: wrangler.toml's abuse limits as deployed (the suite's own stack runs with
// them raised, so this check starts a second stack that keeps them). One caller goes over the
// per-caller limit and gets 429s with Retry-After while another caller from the same address is
// served; one address goes over the limit of failed authentications and gets 429s while a valid
// token from that address is served and another address still gets its 401.
import { startLocalStack } from '../../scripts/lib/local-stack.ts';
import { mapConcurrent } from '../../scripts/lib/map-concurrent.ts';
import { wranglerRateLimits } from '../../scripts/lib/wrangler-config.ts';
import { proofApi } from '../bench/stack-client.ts';
import type { CheckResult, SuiteContext } from './check.ts';
import { sleep, tally } from './check.ts';

/** Locally the limiter's windows are aligned to the wall clock (miniflare), one minute each. */
const WINDOW_MS = 60_000;
const OVER = 5;
const CONCURRENCY = 10;

interface Answer {
  status: number;
  retryAfter: string | null;
  type: string | undefined;
}

export async function rateLimitCheck(context: SuiteContext): Promise<CheckResult> {
  const started = performance.now();
  const { RATE_LIMIT_CALLER: callerLimit, RATE_LIMIT_CLIENT_IP: ipLimit } = wranglerRateLimits();
  if (!callerLimit || !ipLimit) throw new Error('wrangler.toml lacks RATE_LIMIT_CALLER or RATE_LIMIT_CLIENT_IP');
  context.log('rate-limit: starting a second local stack with the limits as deployed');
  const stack = await startLocalStack({ driver: context.stack.driver, rateLimits: 'as-deployed' });
  try {
    const send = async (path: string, headers: Record<string, string>): Promise<Answer> => {
      const response = await fetch(`${stack.url}${path}`, { headers, signal: AbortSignal.timeout(30_000) });
      const body = (await response.json().catch(() => undefined)) as { type?: string } | undefined;
      return { status: response.status, retryAfter: response.headers.get('retry-after'), type: body?.type };
    };
    const address = () => `198.18.${Math.floor(Math.random() * 256)}.${1 + Math.floor(Math.random() * 254)}`;
    // Synced users (Clerk's user.created through the webhook, never limited), so GET /v1/me answers 200.
    const users = proofApi(stack, `rl${crypto.randomUUID().replaceAll('-', '').slice(0, 12)}`);
    let signedUp = 0;
    const session = async (from: string) => ({
      authorization: `Bearer ${await users.signUp(String(signedUp++))}`,
      'cf-connecting-ip': from,
    });
    const forged = (from: string) => ({ authorization: 'Bearer not-a-token', 'cf-connecting-ip': from });
    const me = (headers: Record<string, string>) => send('/v1/me', headers);
    const run = async () => {
      const ip = address();
      const busy = await session(ip);
      const burstStarted = performance.now();
      const callerBurst = await mapConcurrent(Array.from({ length: callerLimit + OVER }), CONCURRENCY, () => me(busy));
      const burstSeconds = Math.round((performance.now() - burstStarted) / 100) / 10;
      const otherCaller = await me(await session(ip));

      const [attacker, bystander] = [address(), address()];
      const failureBurst = await mapConcurrent(Array.from({ length: ipLimit + OVER }), CONCURRENCY, () =>
        me(forged(attacker)),
      );
      const validFromAttacker = await me(await session(attacker));
      const bystanderFailure = await me(forged(bystander));
      return { callerBurst, burstSeconds, otherCaller, failureBurst, validFromAttacker, bystanderFailure };
    };

    // A run must fit in one window: it starts as one begins, and runs again (fresh callers and
    // addresses) if it crossed into the next anyway.
    let result: Awaited<ReturnType<typeof run>> | undefined;
    for (let attempt = 1; attempt <= 2 && !result; attempt += 1) {
      await sleep(WINDOW_MS - (Date.now() % WINDOW_MS) + 100);
      const window = Math.floor(Date.now() / WINDOW_MS);
      const ran = await run();
      if (Math.floor(Date.now() / WINDOW_MS) === window || attempt === 2) result = ran;
    }
    const { callerBurst, burstSeconds, otherCaller, failureBurst, validFromAttacker, bystanderFailure } = result!;

    const failures: string[] = [];
    const limited = (answer: Answer) =>
      answer.status === 429 && answer.retryAfter === '60' && answer.type === '/problems/rate-limited';
    const callerStatuses = tally(callerBurst.map((answer) => answer.status));
    if (callerStatuses['200'] !== callerLimit || callerBurst.filter(limited).length !== OVER) {
      failures.push(
        `caller over its limit: expected ${callerLimit}× 200 then ${OVER}× 429 with Retry-After 60, got ${JSON.stringify(callerStatuses)}`,
      );
    }
    if (otherCaller.status !== 200) failures.push(`another caller from the same address got ${otherCaller.status}`);
    const failureStatuses = tally(failureBurst.map((answer) => answer.status));
    if (failureStatuses['401'] !== ipLimit || failureBurst.filter(limited).length !== OVER) {
      failures.push(
        `failed authentications from one address: expected ${ipLimit}× 401 then ${OVER}× 429, got ${JSON.stringify(failureStatuses)}`,
      );
    }
    if (validFromAttacker.status !== 200) {
      failures.push(`a valid token from the limited address got ${validFromAttacker.status}`);
    }
    if (bystanderFailure.status !== 401) failures.push(`another address's failed token got ${bystanderFailure.status}`);
    return {
      name: 'rate limits',
      ok: failures.length === 0,
      figure:
        `limits as deployed (${callerLimit}/min per caller, ${ipLimit}/min per address): one caller's ${callerBurst.length} requests ` +
        `in ${burstSeconds} s ${JSON.stringify(callerStatuses)} to GET /v1/me, ` +
        `another caller from its address ${otherCaller.status}; failed authentications from one address ${JSON.stringify(failureStatuses)}, ` +
        `a valid token from it ${validFromAttacker.status}, a failed one from another address ${bystanderFailure.status}`,
      failures,
      details: {
        limits: { callerLimit, ipLimit },
        callerStatuses,
        burstSeconds,
        otherCaller,
        failureStatuses,
        validFromAttacker,
        bystanderFailure,
      },
      seconds: Math.round((performance.now() - started) / 100) / 10,
    };
  } finally {
    await stack.stop();
  }
}
