// `npm run bench`: throughput, latency, errors and database round trips per request for each
// scenario on both drivers, plus the Worker's size and startup CPU. Everything runs locally:
// embedded PostgreSQL, the real Worker under `wrangler dev`, load from a separate process
// (proof/bench/load.ts, autocannon) against 127.0.0.1 only.
//
// Exits 1 when a target (round trips, errors, bundle) is missed. Usage: USAGE below.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseCommandLine, usageError } from '../../scripts/lib/cli.ts';
import { type Driver, startLocalStack } from '../../scripts/lib/local-stack.ts';
import { PROJECT_ROOT } from '../../scripts/lib/project-root.ts';
import { resourceProofs } from '../resources.ts';
import { runLoad } from './load.ts';
import { machine, versions } from './machine.ts';
import {
  type BenchResults,
  checkTargets,
  renderBenchDetails,
  renderReadmeTable,
  replaceBetweenMarkers,
  type ScenarioResult,
} from './report.ts';
import { scenarioCatalogue } from './scenarios.ts';
import { seed } from './seed.ts';
import { measureSize } from './size.ts';
import { databaseName, PostgresObserver } from './stack-client.ts';

const NAME = 'bench';
const USAGE = `
usage: npm run bench [-- options]

Requests/s, latency, errors and database round trips per endpoint on both drivers, plus the
Worker's size and startup CPU, all against the local stack. Exits 1 when a target is missed.

  (no options)        both drivers, 8 s per scenario after 2 s warm-up: about 6 minutes;
                      writes proof/bench/results.json
  --update-readme     a full run also rewrites the tables in proof/bench/README.md and README.md
  --quick             3 s per scenario (about 2.5 minutes); writes proof/bench/out/ only
  --driver pg|neon-http   --scenario <name> (repeatable)   --duration s   --warmup s
  --connections n (default 10)   --no-size (skip bundle size and startup CPU)
`;

const { values: args } = parseCommandLine({
  name: NAME,
  usage: USAGE,
  options: {
    quick: { type: 'boolean', default: false },
    driver: { type: 'string', multiple: true },
    scenario: { type: 'string', multiple: true },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    connections: { type: 'string', default: '10' },
    size: { type: 'boolean', default: true },
    'update-readme': { type: 'boolean', default: false },
  },
  allowNegative: true,
});

const proofs = await resourceProofs();
const catalogue = scenarioCatalogue(proofs);
const drivers = (args.driver ?? ['pg', 'neon-http']) as Driver[];
const scenarios = args.scenario
  ? args.scenario.map(
      (name) =>
        catalogue.find((scenario) => scenario.name === name) ??
        usageError(NAME, `unknown scenario ${name}: ${catalogue.map((scenario) => scenario.name).join(', ')}`),
    )
  : catalogue.filter((scenario) => scenario.bench);
for (const driver of drivers) {
  if (driver !== 'pg' && driver !== 'neon-http') usageError(NAME, `--driver must be pg or neon-http, not ${driver}`);
}
const durationSeconds = Number(args.duration ?? (args.quick ? 3 : 8));
const warmupSeconds = Number(args.warmup ?? (args.quick ? 1 : 2));
const connections = Number(args.connections);
const withSize = args.size;
// A full run is what the committed figures come from; anything partial goes to proof/bench/out/.
const complete =
  !args.quick &&
  args.driver === undefined &&
  args.scenario === undefined &&
  args.duration === undefined &&
  args.connections === '10' &&
  withSize;
if (args['update-readme'] && !complete) usageError(NAME, '--update-readme needs a full run (no other options)');
const committed = complete && args['update-readme'];
const outDir = committed ? path.join(PROJECT_ROOT, 'proof', 'bench') : path.join(PROJECT_ROOT, 'proof', 'bench', 'out');

const log = (message: string) => console.log(`[bench] ${message}`);

const results: BenchResults = {
  generatedAt: new Date().toISOString(),
  command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
  machine: machine(),
  versions: await versions(),
  settings: { durationSeconds, warmupSeconds, connections },
  size: undefined,
  drivers: {},
};

if (withSize) {
  log('measuring the Worker bundle (wrangler deploy --dry-run) and startup CPU (wrangler check startup)');
  // At least 7 interleaved startup runs for the committed figures; --quick only checks it works.
  results.size = measureSize({ startupRuns: args.quick ? 3 : 7, command: results.command });
  for (const deployment of results.size.deployments) log(`bundle ${deployment.name}: ${deployment.gzipKiB} KiB gzip`);
  for (const startup of results.size.startups) {
    log(
      'error' in startup
        ? `startup ${startup.name}: not measured (${startup.error})`
        : `startup ${startup.name}: ${startup.cpuMs} ms CPU, floor ${startup.floorCpuMs} ms, +${startup.cpuAboveFloorMs} ms`,
    );
  }
}

for (const driver of drivers) {
  log(`starting the local stack on the ${driver} driver`);
  const stack = await startLocalStack({ driver });
  const observer = await PostgresObserver.connect(stack.adminUrl);
  try {
    if (!results.versions.postgresql) Object.assign(results.versions, await versions(stack.databaseUrl));
    const context = await seed(stack, proofs);
    const database = databaseName(stack.databaseUrl);
    const measured: ScenarioResult[] = [];
    for (const scenario of scenarios) {
      const spec = {
        url: stack.url,
        scenario: scenario.name,
        connections,
        context: { ...context, marker: `${context.marker}${scenario.name}` },
      };
      const warm = await runLoad({
        ...spec,
        durationSeconds: warmupSeconds,
        context: { ...spec.context, marker: `${spec.context.marker}warm` },
      });
      // The measured run is a fixed number of requests (about `durationSeconds` at the warm-up
      // rate), so every request completes and server-side counts divide exactly.
      const amount = Math.max(connections * 20, Math.round(warm.requestsPerSecond * durationSeconds));
      await settle();
      await observer.resetStatements();
      // Other work on the machine skews the figures: recorded next to them.
      const loadAverage = Math.round(os.loadavg()[0]! * 100) / 100;
      const errorsBefore = stack.errorLogLines().length;
      const result = await runLoad({ ...spec, durationSeconds, amount });
      await settle();
      const calls = await observer.statementCalls(database);
      const statementsPerRequest = result.sent > 0 ? Math.round((calls / result.sent) * 1000) / 1000 : null;
      const workerErrorLogs = stack.errorLogLines().length - errorsBefore;
      measured.push({ ...result, label: scenario.label, statementsPerRequest, workerErrorLogs, loadAverage });
      log(
        `${driver} ${scenario.name}: ${result.requestsPerSecond} req/s, p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms, ` +
          `${result.non2xx + result.socketErrors + result.timeouts} errors, round trips ${JSON.stringify(result.roundTrips)}, ` +
          `${statementsPerRequest} statements/request`,
      );
      for (const sample of result.errorSamples) log(`  error sample: ${sample.status} ${sample.body.slice(0, 200)}`);
    }
    results.drivers[driver] = measured;
  } finally {
    await observer.close();
    await stack.stop();
  }
}

const targets = checkTargets(results);
results.targets = targets;
mkdirSync(outDir, { recursive: true });
writeFileSync(path.join(outDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
if (committed) {
  replaceBetweenMarkers(path.join(PROJECT_ROOT, 'proof', 'bench', 'README.md'), 'bench', renderBenchDetails(results));
  replaceBetweenMarkers(path.join(PROJECT_ROOT, 'README.md'), 'bench', renderReadmeTable(results));
  log('wrote proof/bench/results.json, proof/bench/README.md and the Performance table in README.md');
} else {
  writeFileSync(path.join(outDir, 'README.md'), renderBenchDetails(results));
  log(
    `partial run: wrote ${path.relative(PROJECT_ROOT, outDir)}/results.json and README.md (committed figures untouched)`,
  );
}
console.log(renderReadmeTable(results));
for (const target of targets) log(`${target.ok ? 'PASS' : 'FAIL'} ${target.name}: ${target.detail}`);
if (targets.some((target) => !target.ok)) process.exitCode = 1;

/** Lets the Worker's waitUntil work (closing connections) finish between runs. */
function settle() {
  return new Promise((resolve) => setTimeout(resolve, 500));
}
