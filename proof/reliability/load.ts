// Check 1, load: 100 concurrent clients for 20 s, mixed across the endpoints (proof/bench/scenarios.ts
// "mixed": /health, /ready, /v1/me, webhooks and each resource's scenarios), from a separate process.
// Passes with 0 errors (non-2xx, socket errors, timeouts) and Postgres connections to the app's
// database, polled every 250 ms, never above the bound and back to the baseline afterwards
// (no leaked clients).
import { runLoad } from '../bench/load.ts';
import type { CheckResult, SuiteContext } from './check.ts';
import { sleep } from './check.ts';

const FULL = { clients: 100, seconds: 20, pollMs: 250 };
const QUICK = { clients: 40, seconds: 6, pollMs: 250 };
/** Connections the local Neon HTTP endpoint may pool (its default), on top of one per request. */
const NEON_POOL = 10;

export async function loadCheck(context: SuiteContext): Promise<CheckResult> {
  const { stack, observer, database } = context;
  const LOAD = context.quick ? QUICK : FULL;
  const started = performance.now();
  const baseline = await observer.connections(database);
  // Local Hyperdrive opens one connection per request; the Neon HTTP endpoint pools up to 10.
  // Either way at most one per request in flight, plus the pool and the baseline.
  const bound = LOAD.clients + (stack.driver === 'neon-http' ? NEON_POOL : 0) + baseline;
  const samples: number[] = [];
  let polling = true;
  const poller = (async () => {
    while (polling) {
      samples.push(await observer.connections(database));
      await sleep(LOAD.pollMs);
    }
  })();
  const errorsBefore = stack.errorLogLines().length;
  const result = await runLoad({
    url: stack.url,
    scenario: 'mixed',
    context: { ...context.seeded, marker: `${context.seeded.marker}load` },
    durationSeconds: LOAD.seconds,
    connections: LOAD.clients,
  }).finally(() => {
    polling = false;
  });
  await poller;
  // Leak check: every connection the Worker opened closes once the requests are done. (The local
  // Neon HTTP endpoint keeps its pool open, as Neon's proxy would: up to NEON_POOL connections.)
  const settled = stack.driver === 'neon-http' ? Math.max(baseline, NEON_POOL) : baseline;
  let after = await observer.connections(database);
  const drainStarted = performance.now();
  while (after > settled && performance.now() - drainStarted < 10_000) {
    await sleep(100);
    after = await observer.connections(database);
  }
  const drainMs = Math.round(performance.now() - drainStarted);
  const peak = Math.max(0, ...samples);
  const errors = result.non2xx + result.socketErrors + result.timeouts;
  const failures: string[] = [];
  if (errors > 0) {
    failures.push(
      `${errors} errors: statuses ${JSON.stringify(result.statuses)}, ${result.socketErrors} socket errors, ` +
        `${result.timeouts} timeouts; samples ${JSON.stringify(result.errorSamples.slice(0, 2))}`,
    );
  }
  if (peak > bound) failures.push(`Postgres connections peaked at ${peak}, above the bound ${bound}`);
  if (after > settled) {
    failures.push(`${after} connections still open 10 s after the load (expected ≤ ${settled}): leaked`);
  }
  if (samples.length < (LOAD.seconds * 1000) / LOAD.pollMs / 2) {
    failures.push(`only ${samples.length} pg_stat_activity samples`);
  }
  return {
    name: 'load',
    ok: failures.length === 0,
    figure:
      `${LOAD.clients} clients × ${Math.round(result.durationSeconds)} s mixed: ${result.responses} requests ` +
      `(${Math.round(result.requestsPerSecond)} req/s, p99 ${Math.round(result.latencyMs.p99)} ms), ${errors} errors; ` +
      `Postgres connections peak ${peak} (bound ${bound}, ${samples.length} samples), back to ${after} (≤ ${settled}) ` +
      `in ${drainMs} ms`,
    failures,
    details: {
      ...result,
      errorSamples: result.errorSamples,
      baseline,
      bound,
      peakConnections: peak,
      connectionSamples: samples,
      connectionsAfter: after,
      drainMs,
      workerErrorLogs: stack.errorLogLines().length - errorsBefore,
    },
    seconds: Math.round((performance.now() - started) / 100) / 10,
  };
}
