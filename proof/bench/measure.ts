// One scenario measured on one running stack, the same way for `npm run bench` (run.ts) and its
// `--rtt` comparison (rtt.ts): a warm-up, then a fixed number of requests (about `durationSeconds`
// at the warm-up rate) so every request completes and server-side counts divide exactly, with
// pg_stat_statements reset before and read after.
import os from 'node:os';
import type { LocalStack } from '../../scripts/lib/local-stack.ts';
import { type LoadResult, runLoad } from './load.ts';
import type { Scenario, ScenarioContext } from './scenarios.ts';
import { databaseName, type PostgresObserver, proofApi } from './stack-client.ts';

export interface MeasureOptions {
  stack: LocalStack;
  observer: PostgresObserver;
  scenario: Scenario;
  /** The seeded context; its marker names this scenario's data. */
  context: ScenarioContext;
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
  log(message: string): void;
}

export interface ScenarioMeasure {
  result: LoadResult;
  /** pg_stat_statements calls in the app's database per request sent: its round trips. */
  statementsPerRequest: number | null;
  /** Worker log lines at level "error" during the measured run. */
  workerErrorLogs: number;
  /** 1-minute load average as the measured run started: other work on the machine skews figures. */
  loadAverage: number;
}

export async function measureScenario(options: MeasureOptions): Promise<ScenarioMeasure> {
  const { stack, observer, scenario, context, connections, durationSeconds } = options;
  const spec = { url: stack.url, scenario: scenario.name, connections };
  // Requests that cannot repeat (misses) warm up on a fixed number of fresh ones.
  const warmAmount = scenario.prepare ? connections * 20 : undefined;
  const warm = await runLoad({
    ...spec,
    durationSeconds: options.warmupSeconds,
    ...(warmAmount && { amount: warmAmount }),
    context: await contextFor(options, { ...context, marker: `${context.marker}warm` }, warmAmount ?? 0),
  });
  const amount = Math.max(connections * 20, Math.round(warm.requestsPerSecond * durationSeconds));
  const measuredContext = await contextFor(options, context, amount);
  await settle();
  await observer.resetStatements();
  const loadAverage = Math.round(os.loadavg()[0]! * 100) / 100;
  const errorsBefore = stack.errorLogLines().length;
  const result = await runLoad({ ...spec, durationSeconds, amount, context: measuredContext });
  await settle();
  const calls = await observer.statementCalls(databaseName(stack.databaseUrl));
  return {
    result,
    statementsPerRequest: result.sent > 0 ? Math.round((calls / result.sent) * 1000) / 1000 : null,
    workerErrorLogs: stack.errorLogLines().length - errorsBefore,
    loadAverage,
  };
}

/** The context of one run of `count` requests: fresh data for a scenario whose requests cannot repeat. */
async function contextFor(options: MeasureOptions, context: ScenarioContext, count: number) {
  const { scenario, stack, log } = options;
  if (!scenario.prepare) return context;
  log(`${scenario.name}: preparing ${count} requests through the Worker`);
  return scenario.prepare(context, proofApi(stack, context.marker), count);
}

/** Lets the Worker's waitUntil work (closing connections) finish between runs. */
function settle() {
  return new Promise((resolve) => setTimeout(resolve, 500));
}
