// `npm run bench`: throughput, latency, errors and database round trips per request for each
// scenario on both drivers, plus the Worker's size and startup CPU. Everything runs locally:
// embedded PostgreSQL, the real Worker under `wrangler dev`, load from a separate process
// (proof/bench/load.ts, autocannon) against 127.0.0.1 only.
//
// Exits 1 when a target (round trips, errors, bundle) is missed. Usage: USAGE below.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseCommandLine, usageError } from '../../scripts/lib/cli.ts';
import { type Driver, startLocalStack } from '../../scripts/lib/local-stack.ts';
import { PROJECT_ROOT } from '../../scripts/lib/project-root.ts';
import { resourceProofs } from '../resources.ts';
import { machine, versions } from './machine.ts';
import { measureScenario } from './measure.ts';
import {
  type BenchResults,
  checkTargets,
  errorsOf,
  renderBenchDetails,
  renderReadmeTable,
  replaceBetweenMarkers,
  type ScenarioResult,
} from './report.ts';
import { compareAtDistance, RTT_CONNECTIONS, RTT_SCENARIOS, type RttResults, renderRttTable } from './rtt.ts';
import { scenarioCatalogue, scenarioNamed } from './scenarios.ts';
import { seed } from './seed.ts';
import { measureSize } from './size.ts';
import { PostgresObserver } from './stack-client.ts';

const NAME = 'bench';
const USAGE = `
usage: npm run bench [-- options]

Requests/s, latency, errors and database round trips per endpoint on both drivers, plus the
Worker's size and startup CPU, all against the local stack. Exits 1 when a target is missed.

  (no options)        both drivers, 8 s per scenario after 2 s warm-up: about 9 minutes;
                      writes proof/bench/results.json
  --update-readme     a full run also rewrites the tables in proof/bench/README.md and README.md
  --quick             3 s per scenario (about 2.5 minutes); writes proof/bench/out/ only
  --driver pg|neon-http   --scenario <name> (repeatable)   --duration s   --warmup s
  --connections n (default 10)   --no-size (skip bundle size and startup CPU)
  --rtt ms            instead: the database this far from the Worker each way, the template against
                      a naive baseline (proof/bench/naive/) on webhook, create and list, both drivers,
                      ${RTT_CONNECTIONS} connections; with --update-readme, records it as results.json's
                      \`rtt\` and in the READMEs
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
    connections: { type: 'string' },
    rtt: { type: 'string' },
    size: { type: 'boolean', default: true },
    'update-readme': { type: 'boolean', default: false },
  },
  allowNegative: true,
});

const proofs = await resourceProofs();
const catalogue = scenarioCatalogue(proofs);
const drivers = (args.driver ?? ['pg', 'neon-http']) as Driver[];
const named = (name: string) => {
  try {
    return scenarioNamed(catalogue, name);
  } catch (error) {
    return usageError(NAME, (error as Error).message);
  }
};
const scenarios = args.scenario ? args.scenario.map(named) : catalogue.filter((scenario) => scenario.bench);
for (const driver of drivers) {
  if (driver !== 'pg' && driver !== 'neon-http') usageError(NAME, `--driver must be pg or neon-http, not ${driver}`);
}
const durationSeconds = Number(args.duration ?? (args.quick ? 3 : 8));
const warmupSeconds = Number(args.warmup ?? (args.quick ? 1 : 2));
const rtt = args.rtt === undefined ? undefined : Number(args.rtt);
if (rtt !== undefined && !(Number.isInteger(rtt) && rtt >= 0))
  usageError(NAME, `--rtt must be whole milliseconds, not ${args.rtt}`);
const connections = Number(args.connections ?? (rtt === undefined ? 10 : RTT_CONNECTIONS));
const withSize = args.size;
// A full run is what the committed figures come from; anything partial goes to proof/bench/out/.
const complete =
  !args.quick &&
  args.driver === undefined &&
  args.scenario === undefined &&
  args.duration === undefined &&
  args.connections === undefined &&
  withSize;
if (args['update-readme'] && !complete) usageError(NAME, '--update-readme needs a full run (no other options)');
const committed = complete && args['update-readme'];
const outDir = committed ? path.join(PROJECT_ROOT, 'proof', 'bench') : path.join(PROJECT_ROOT, 'proof', 'bench', 'out');

const log = (message: string) => console.log(`[bench] ${message}`);
const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
const committedResults = path.join(PROJECT_ROOT, 'proof', 'bench', 'results.json');
/** What results.json holds now: a run of one kind keeps the other's figures. */
const recorded = () =>
  JSON.parse(readFileSync(committedResults, 'utf8')) as Partial<BenchResults> & { rtt?: RttResults };

if (rtt !== undefined) {
  const comparison = await compareAtDistance({
    oneWayDelayMs: rtt,
    drivers,
    scenarios: args.scenario ? scenarios : catalogue.filter((scenario) => RTT_SCENARIOS.includes(scenario.name)),
    proofs,
    durationSeconds,
    warmupSeconds,
    connections,
    command,
    machine: machine(),
    log,
  });
  const table = renderRttTable(comparison);
  if (committed) {
    writeFileSync(committedResults, `${JSON.stringify({ ...recorded(), rtt: comparison }, null, 2)}\n`);
    for (const file of [path.join('proof', 'bench', 'README.md'), 'README.md']) {
      replaceBetweenMarkers(path.join(PROJECT_ROOT, file), 'rtt', table);
    }
    log('wrote the rtt key of proof/bench/results.json and the rtt tables of proof/bench/README.md and README.md');
  } else {
    mkdirSync(outDir, { recursive: true });
    writeFileSync(path.join(outDir, 'rtt.json'), `${JSON.stringify(comparison, null, 2)}\n`);
    log(`partial run: wrote ${path.relative(PROJECT_ROOT, outDir)}/rtt.json (committed figures untouched)`);
  }
  console.log(table);
  if (!comparison.target.ok) process.exitCode = 1;
  process.exit();
}

const results: BenchResults = {
  generatedAt: new Date().toISOString(),
  command,
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
    const measured: ScenarioResult[] = [];
    for (const scenario of scenarios) {
      const { result, statementsPerRequest, workerErrorLogs, loadAverage } = await measureScenario({
        stack,
        observer,
        scenario,
        context: { ...context, marker: `${context.marker}${scenario.name}` },
        connections,
        durationSeconds,
        warmupSeconds,
        log,
      });
      measured.push({
        ...result,
        label: scenario.label,
        ...(scenario.roundTrips !== undefined && { expectedRoundTrips: scenario.roundTrips }),
        statementsPerRequest,
        workerErrorLogs,
        loadAverage,
      });
      log(
        `${driver} ${scenario.name}: ${result.requestsPerSecond} req/s, p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms, ` +
          `${errorsOf(result)} errors, round trips ${JSON.stringify(result.roundTrips)}, ` +
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
const kept = committed ? { rtt: recorded().rtt } : {};
writeFileSync(path.join(outDir, 'results.json'), `${JSON.stringify({ ...results, ...kept }, null, 2)}\n`);
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
