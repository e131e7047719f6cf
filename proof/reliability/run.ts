// `npm run test:reliability`: the reliability suite against the running local stack (embedded
// PostgreSQL + the real Worker under `wrangler dev`, scripts/lib/local-stack.ts). Five checks, each
// bounded in count and time and each printing its figure; exits non-zero when one fails.
//   1. load             proof/reliability/load.ts
//   2. webhook storm    proof/reliability/storm.ts
//   3. database outage  proof/reliability/outage.ts
//   4. hostile input    proof/reliability/hostile.ts
//   5. rate limits      proof/reliability/rate-limit.ts (a second stack, limits as deployed)
// Not part of `npm test` (it needs minutes and a whole stack); `.ci/run` runs it after the tests.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startClerkStandIn } from '../../scripts/lib/clerk-stand-in.ts';
import { parseCommandLine, usageError } from '../../scripts/lib/cli.ts';
import { type Driver, startLocalStack } from '../../scripts/lib/local-stack.ts';
import { PROJECT_ROOT } from '../../scripts/lib/project-root.ts';
import { describeMachine, machine } from '../bench/machine.ts';
import { replaceBetweenMarkers } from '../bench/report.ts';
import { seed } from '../bench/seed.ts';
import { databaseName, PostgresObserver } from '../bench/stack-client.ts';
import { resourceProofs } from '../resources.ts';
import type { CheckResult, SuiteContext } from './check.ts';
import { hostileCheck } from './hostile.ts';
import { loadCheck } from './load.ts';
import { outageCheck } from './outage.ts';
import { rateLimitCheck } from './rate-limit.ts';
import { stormCheck } from './storm.ts';

const CHECKS = {
  load: loadCheck,
  storm: stormCheck,
  outage: outageCheck,
  hostile: hostileCheck,
  'rate-limit': rateLimitCheck,
} as const;
type CheckName = keyof typeof CHECKS;

const NAME = 'test:reliability';
const { values: args } = parseCommandLine({
  name: NAME,
  usage: `
usage: npm run test:reliability [-- options]

Load, webhook storm, database outage and hostile input against the whole local stack; each
check bounded and printing its figure; exits 1 when one fails. Details: test-results/reliability.json.

  (no options)       the pg driver, full counts: about 10 minutes on a busy 2-core machine
  --quick            smaller counts, same checks and pass rules: about 1 minute
  --driver pg|neon-http|both     --only load,storm,outage,hostile,rate-limit     --seed n
  --update-readme    rewrites the README's Reliability table from this run
`,
  options: {
    driver: { type: 'string', default: 'pg' },
    only: { type: 'string' },
    seed: { type: 'string', default: '20261122' },
    quick: { type: 'boolean', default: false },
    'update-readme': { type: 'boolean', default: false },
  },
});
const drivers: Driver[] = args.driver === 'both' ? ['pg', 'neon-http'] : [args.driver as Driver];
for (const driver of drivers) {
  if (driver !== 'pg' && driver !== 'neon-http') usageError(NAME, '--driver must be pg, neon-http or both');
}
const only = (args.only?.split(',') ?? Object.keys(CHECKS)) as CheckName[];
for (const name of only) {
  if (!(name in CHECKS)) usageError(NAME, `--only takes ${Object.keys(CHECKS).join(', ')}, not ${name}`);
}
const seedValue = Number(args.seed);

const log = (message: string) => console.log(`[reliability] ${message}`);
const suiteStarted = performance.now();
const results: { driver: Driver; checks: CheckResult[] }[] = [];

const proofs = await resourceProofs();
const clerkApi = await startClerkStandIn();
try {
  for (const driver of drivers) {
    log(`starting the local stack (${driver} driver)`);
    const stack = await startLocalStack({
      driver,
      // A named server: the outage check stops and starts it on the same data and port.
      postgresName: `reliability-${process.pid}`,
      clerkApiUrl: clerkApi.url,
    });
    const observer = await PostgresObserver.connect(stack.adminUrl);
    const checks: CheckResult[] = [];
    results.push({ driver, checks });
    try {
      const context: SuiteContext = {
        stack,
        observer,
        database: databaseName(stack.databaseUrl),
        proofs,
        seeded: await seed(stack, proofs),
        seed: seedValue,
        quick: args.quick,
        log,
      };
      for (const name of only) {
        log(`${driver}: ${name} ...`);
        const result = await CHECKS[name](context).catch(
          (error: unknown): CheckResult => ({
            name,
            ok: false,
            figure: 'crashed',
            failures: [error instanceof Error ? (error.stack ?? error.message) : String(error)],
            details: {},
            seconds: 0,
          }),
        );
        checks.push(result);
        log(`${result.ok ? 'PASS' : 'FAIL'} ${driver} ${result.name} (${result.seconds} s): ${result.figure}`);
        for (const failure of result.failures) log(`  ✗ ${failure}`);
      }
    } finally {
      await observer.close();
      await stack.stop();
    }
  }
} finally {
  await clerkApi.close();
}

const seconds = Math.round((performance.now() - suiteStarted) / 1000);
const table = renderTable(seconds);
console.log(`\n${table}\n`);
const outDir = path.join(PROJECT_ROOT, 'test-results');
mkdirSync(outDir, { recursive: true });
writeFileSync(
  path.join(outDir, 'reliability.json'),
  `${JSON.stringify({ generatedAt: new Date().toISOString(), seed: seedValue, machine: machine(), seconds, results }, null, 2)}\n`,
);
log(`details in test-results/reliability.json; ${seconds} s in all`);
if (args['update-readme']) {
  replaceBetweenMarkers(path.join(PROJECT_ROOT, 'README.md'), 'reliability', table);
  log('wrote the Reliability table in README.md');
}
const failed = results.flatMap(({ driver, checks }) =>
  checks.filter((check) => !check.ok).map((check) => `${driver} ${check.name}`),
);
if (failed.length) {
  log(`FAILED: ${failed.join(', ')}`);
  process.exitCode = 1;
}

function renderTable(totalSeconds: number): string {
  const command = `npm run test:reliability${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
  const lines = [
    `\`${command}\` on ${describeMachine(machine())}, ${new Date().toISOString().slice(0, 10)}, seed ${seedValue}, ${totalSeconds} s in all.`,
    '',
    '| check | driver | result | figures | time |',
    '|---|---|---|---|--:|',
  ];
  for (const { driver, checks } of results) {
    for (const check of checks) {
      lines.push(
        `| ${check.name} | ${driver} | ${check.ok ? '✅ pass' : '❌ fail'} | ${check.figure.replaceAll('|', '\\|')} | ${check.seconds} s |`,
      );
    }
  }
  return lines.join('\n');
}
