// Check 2, webhook storm: 5,000 events over 500 users (with organizations and memberships),
// 25% of them redelivered, all shuffled, 20 concurrent senders, through the real Worker.
// The reference is the same history under other ids, applied once and in order. Passes when the
// two final states are equal row by row, every event has its ledger row (0 lost), and every
// delivery was answered 200.
import { mapConcurrent } from '../../scripts/lib/map-concurrent.ts';
import { deliver } from '../bench/stack-client.ts';
import type { CheckResult, SuiteContext } from './check.ts';
import { tally } from './check.ts';
import { clerkHistory, relabel, seededRandom, withRedeliveries } from './history.ts';
import { applyInOrder, differences, ledgerOutcomes, syncedState } from './state.ts';

const FULL = { events: 5_000, users: 500, redelivered: 0.25, senders: 20 };
const QUICK = { events: 1_000, users: 100, redelivered: 0.25, senders: 20 };

export async function stormCheck(context: SuiteContext): Promise<CheckResult> {
  const { stack } = context;
  const STORM = context.quick ? QUICK : FULL;
  const started = performance.now();
  const run = `${context.seeded.marker}s`;
  const [shuffledMarker, referenceMarker] = [`${run}A`, `${run}B`];
  const history = clerkHistory(shuffledMarker, { events: STORM.events, users: STORM.users, seed: context.seed });
  const deliveries = withRedeliveries(history, STORM.redelivered, seededRandom(context.seed + 1));

  const sendStarted = performance.now();
  const answers = await mapConcurrent(deliveries, STORM.senders, async (delivery) => {
    try {
      return await deliver(stack, delivery.body, delivery.svixId);
    } catch (error) {
      return { status: 0, outcome: undefined, body: String(error) };
    }
  });
  const sendSeconds = (performance.now() - sendStarted) / 1000;

  const referenceStarted = performance.now();
  await applyInOrder(stack.databaseUrl, relabel(history, shuffledMarker, referenceMarker));
  const referenceSeconds = (performance.now() - referenceStarted) / 1000;

  const actual = await syncedState(stack.databaseUrl, shuffledMarker, 'X');
  const expected = await syncedState(stack.databaseUrl, referenceMarker, 'X');
  const diff = differences(actual, expected);
  const ledger = await ledgerOutcomes(stack.databaseUrl, shuffledMarker);
  const ledgerRows = Object.values(ledger).reduce((sum, n) => sum + n, 0);
  const lost = history.length - ledgerRows;
  const statuses = tally(answers.map((answer) => answer.status));
  const outcomes = tally(answers.map((answer) => answer.outcome ?? `HTTP ${answer.status}`));
  const rows = actual.users.length + actual.organizations.length + actual.memberships.length;

  const failures: string[] = [];
  const non200 = answers.filter((answer) => answer.status !== 200);
  if (non200.length) {
    failures.push(
      `${non200.length} deliveries not answered 200: ${JSON.stringify(statuses)}; e.g. ${non200[0]!.body.slice(0, 200)}`,
    );
  }
  if (lost !== 0) failures.push(`${lost} events without a ledger row (lost)`);
  if (diff.length) {
    failures.push(
      `${diff.length} rows differ from the in-order result (stale overwrites or lost updates), e.g. ${JSON.stringify(diff.slice(0, 5))}`,
    );
  }
  if (rows === 0) failures.push('nothing was synced');
  return {
    name: 'webhook storm',
    ok: failures.length === 0,
    figure:
      `${history.length} events over ${STORM.users} users + ${deliveries.length - history.length} redeliveries, shuffled, ` +
      `${STORM.senders} senders, ${Math.round(deliveries.length / sendSeconds)} deliveries/s: outcomes ${JSON.stringify(outcomes)}; ` +
      `${lost} lost, ${diff.length} of ${rows} rows differ from the in-order result`,
    failures,
    details: {
      deliveries: deliveries.length,
      events: history.length,
      statuses,
      outcomes,
      ledger,
      lost,
      differingRows: diff,
      comparedRows: rows,
      sendSeconds,
      referenceSeconds,
    },
    seconds: Math.round((performance.now() - started) / 100) / 10,
  };
}
