// Check 3, database outage: PostgreSQL is stopped in the middle of a webhook stream (same data
// folder and port), the senders keep sending, PostgreSQL starts again, and every delivery that got
// a 5xx is redelivered as Svix would (same svix id and body, new signature) until it succeeds.
// Passes when /ready went 503 during the outage and 200 after it, the same `wrangler dev` process
// served throughout (no restart), no answer was anything but 200 or 503, nothing was lost, and the
// final state equals the in-order result. Meanwhile the requests served without the database
// (scenarios of 0 round trips: /health, and each resource's reads from KV or R2, seeded and read
// once before) are sent in turn: every one, including those sent while PostgreSQL is down, must
// answer 200 with 0 round trips.
import { mapConcurrent } from '../../scripts/lib/map-concurrent.ts';
import { roundTripsIn } from '../../scripts/lib/resource-proof.ts';
import { scenarioCatalogue } from '../bench/scenarios.ts';
import { deliver } from '../bench/stack-client.ts';
import type { CheckResult, SuiteContext } from './check.ts';
import { sleep, tally } from './check.ts';
import { clerkHistory, type Delivery, relabel, seededRandom, withRedeliveries } from './history.ts';
import { applyInOrder, differences, ledgerOutcomes, syncedState } from './state.ts';

const FULL = { events: 1_500, users: 150, senders: 10, stopAfterShare: 0.3, downSeconds: 3, maxRounds: 6 };
const QUICK = { events: 600, users: 60, senders: 10, stopAfterShare: 0.3, downSeconds: 3, maxRounds: 6 };

export async function outageCheck(context: SuiteContext): Promise<CheckResult> {
  const { stack } = context;
  const OUTAGE = context.quick ? QUICK : FULL;
  const started = performance.now();
  const run = `${context.seeded.marker}o`;
  const [liveMarker, referenceMarker] = [`${run}A`, `${run}B`];
  const history = clerkHistory(liveMarker, { events: OUTAGE.events, users: OUTAGE.users, seed: context.seed + 2 });
  // A few redeliveries and a shuffle, as in real traffic; the outage adds the rest.
  const stream = withRedeliveries(history, 0.1, seededRandom(context.seed + 3));

  // /ready, every 100 ms, for the whole check.
  const readiness: { at: number; status: number }[] = [];
  let probing = true;
  const prober = (async () => {
    while (probing) {
      const at = performance.now();
      const status = await fetch(`${stack.url}/ready`, { signal: AbortSignal.timeout(15_000) })
        .then(async (response) => {
          await response.body?.cancel();
          return response.status;
        })
        .catch(() => 0);
      readiness.push({ at, status });
      await sleep(100);
    }
  })();

  // The requests served without the database, one after another of each, for the whole check.
  const edgeReads = scenarioCatalogue(context.proofs)
    .filter((scenario) => scenario.roundTrips === 0)
    .map((scenario) => ({ label: scenario.label, next: scenario.requests({ ...context.seeded, marker: `${run}E` }) }));
  const edgeAnswers: EdgeAnswer[] = [];
  const edgeProbers = edgeReads.map(async ({ label, next }) => {
    while (probing) {
      const { method, path, headers, body } = next();
      const start = performance.now();
      const answer = await fetch(`${stack.url}${path}`, { method, headers, body, signal: AbortSignal.timeout(15_000) })
        .then(async (response) => {
          await response.body?.cancel();
          return { status: response.status, roundTrips: roundTripsIn(response.headers.get('server-timing')) };
        })
        .catch(() => ({ status: 0, roundTrips: undefined }));
      edgeAnswers.push({ label, start, end: performance.now(), ...answer });
      await sleep(50);
    }
  });

  let sent = 0;
  let downAt = 0;
  let stoppedAt = 0;
  let restartAt = 0;
  let upAt = 0;
  const outage = (async () => {
    while (sent < stream.length * OUTAGE.stopAfterShare) await sleep(20);
    context.log(`  stopping PostgreSQL after ${sent} deliveries`);
    downAt = performance.now();
    await stack.stopDatabase();
    stoppedAt = performance.now();
    await sleep(OUTAGE.downSeconds * 1000);
    restartAt = performance.now();
    await stack.startDatabase();
    upAt = performance.now();
    context.log(`  PostgreSQL started again after ${Math.round(upAt - downAt)} ms`);
  })();

  const statuses: number[] = [];
  const send = async (delivery: Delivery) => {
    sent++;
    const answer = await deliver(stack, delivery.body, delivery.svixId).catch((error: unknown) => ({
      status: 0,
      outcome: undefined,
      body: String(error),
    }));
    statuses.push(answer.status);
    // A client backs off a little after a 5xx; it also keeps the stream going through the outage.
    if (answer.status !== 200) await sleep(50);
    return answer;
  };
  const first = await mapConcurrent(stream, OUTAGE.senders, send);
  await outage;
  let pending = stream.filter((_, index) => first[index]!.status !== 200);
  const failedFirst = pending.length;

  // Svix retries what failed, later and in no particular order.
  const readyAgain = await waitForReady(stack.url, 30_000);
  let rounds = 0;
  const random = seededRandom(context.seed + 4);
  while (pending.length > 0 && rounds < OUTAGE.maxRounds) {
    rounds++;
    const order = withRedeliveries(pending, 0, random);
    const answers = await mapConcurrent(order, OUTAGE.senders, send);
    pending = order.filter((_, index) => answers[index]!.status !== 200);
    if (pending.length) await sleep(1_000);
  }
  probing = false;
  await Promise.all([prober, ...edgeProbers]);

  await applyInOrder(stack.databaseUrl, relabel(history, liveMarker, referenceMarker));
  const diff = differences(
    await syncedState(stack.databaseUrl, liveMarker, 'X'),
    await syncedState(stack.databaseUrl, referenceMarker, 'X'),
  );
  const ledger = await ledgerOutcomes(stack.databaseUrl, liveMarker);
  const lost = history.length - Object.values(ledger).reduce((sum, n) => sum + n, 0);
  const wranglerAlive = isAlive(stack.wranglerPid);
  const statusTally = tally(statuses);
  const during = readiness.filter(({ at }) => at >= downAt && at <= upAt);
  const after = readiness.filter(({ at }) => at > upAt);
  const firstReadyAfter = after.find(({ status }) => status === 200);
  // Sent after PostgreSQL had stopped and answered before it was started again.
  const edgeDuring = edgeAnswers.filter(({ start, end }) => start >= stoppedAt && end <= restartAt);
  const servedWithoutDatabase = (answer: EdgeAnswer) => answer.status === 200 && answer.roundTrips === 0;
  const edgeFailed = edgeAnswers.filter((answer) => !servedWithoutDatabase(answer));
  const edgeFigure = edgeReads
    .map(({ label }) => {
      const during = edgeDuring.filter((answer) => answer.label === label);
      return `${label} ${during.filter(servedWithoutDatabase).length}/${during.length}`;
    })
    .join(', ');
  const recoveryMs = firstReadyAfter ? Math.round(firstReadyAfter.at - upAt) : undefined;

  const failures: string[] = [];
  if (!during.some(({ status }) => status === 503)) {
    failures.push(`/ready never answered 503 during the outage: ${JSON.stringify(tally(during.map((r) => r.status)))}`);
  }
  if (!firstReadyAfter || !readyAgain) failures.push('/ready did not answer 200 again after PostgreSQL came back');
  const unexpected = Object.keys(statusTally).filter((status) => status !== '200' && status !== '503');
  if (unexpected.length) failures.push(`answers other than 200 and 503: ${JSON.stringify(statusTally)}`);
  if (failedFirst === 0) failures.push('no delivery failed: the outage did not hit the stream');
  if (pending.length) failures.push(`${pending.length} deliveries still failing after ${rounds} redelivery rounds`);
  if (!wranglerAlive) failures.push('the wrangler dev process is gone');
  if (lost !== 0) failures.push(`${lost} events lost (no ledger row)`);
  if (diff.length)
    failures.push(`${diff.length} rows differ from the in-order result: ${JSON.stringify(diff.slice(0, 5))}`);
  for (const { label } of edgeReads) {
    if (!edgeDuring.some((answer) => answer.label === label)) failures.push(`${label}: none sent during the outage`);
  }
  if (edgeFailed.length) {
    failures.push(
      `${edgeFailed.length} of ${edgeAnswers.length} requests served without the database answered otherwise than ` +
        `200 with 0 round trips, e.g. ${JSON.stringify(edgeFailed.slice(0, 3))}`,
    );
  }

  return {
    name: 'database outage',
    ok: failures.length === 0,
    figure:
      `PostgreSQL down ${((upAt - downAt) / 1000).toFixed(1)} s during ${stream.length} deliveries (${history.length} events): ` +
      `${failedFirst} answered 503 and were redelivered (${rounds} rounds); /ready ${during.filter((r) => r.status === 503).length}× 503 ` +
      `during, 200 again ${recoveryMs ?? '?'} ms after restart; same wrangler process (pid ${stack.wranglerPid}); ` +
      `${lost} lost, ${diff.length} rows differ from the in-order result; served without the database while it ` +
      `was down, 200 with 0 round trips: ${edgeFigure}`,
    failures,
    details: {
      deliveries: stream.length,
      events: history.length,
      statuses: statusTally,
      failedFirst,
      redeliveryRounds: rounds,
      stillFailing: pending.length,
      downMs: Math.round(upAt - downAt),
      readinessDuring: tally(during.map((r) => r.status)),
      readinessAfter: tally(after.map((r) => r.status)),
      recoveryMs,
      ledger,
      lost,
      differingRows: diff,
      wranglerPid: stack.wranglerPid,
      wranglerAlive,
      withoutDatabase: {
        sent: edgeAnswers.length,
        duringOutage: edgeDuring.length,
        statuses: tally(edgeAnswers.map((answer) => answer.status)),
        failed: edgeFailed.slice(0, 20),
      },
    },
    seconds: Math.round((performance.now() - started) / 100) / 10,
  };
}

interface EdgeAnswer {
  label: string;
  start: number;
  end: number;
  status: number;
  roundTrips: number | undefined;
}

async function waitForReady(url: string, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const status = await fetch(`${url}/ready`)
      .then(async (response) => {
        await response.body?.cancel();
        return response.status;
      })
      .catch(() => 0);
    if (status === 200) return true;
    await sleep(200);
  }
  return false;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
