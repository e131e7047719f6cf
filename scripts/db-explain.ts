// `npm run db:explain [-- --scale 0.1]`: starts a throwaway PostgreSQL, applies the migrations,
// seeds a realistic volume (scale 1: 100k users, 10k organizations, 150k memberships, 500k ledger
// rows, plus 200k rows of each resource), runs every critical path of the app
// (scripts/db-explain/queries.ts and each resource's explain.ts) under EXPLAIN (ANALYZE, BUFFERS),
// and fails if a plan reads a whole large table, sorts what an index should deliver in order, or
// does not use the index the path was designed for. Prints a table of the plans.
import { explainCriticalPaths, formatReports, prepareDatabase } from './db-explain/explain.ts';
import { volumeAt } from './db-explain/seed.ts';
import { parseCommandLine, usageError } from './lib/cli.ts';
import { startLocalPostgres } from './lib/local-postgres.ts';

const NAME = 'db:explain';
const { values } = parseCommandLine({
  name: NAME,
  usage: `
usage: npm run db:explain [-- --scale 0.1]

Seeds a throwaway PostgreSQL (scale 1: 100k users, 500k ledger rows, 200k of each resource), runs the
app's critical queries (the core's and every resource's) under EXPLAIN (ANALYZE, BUFFERS) and exits 1 when a plan scans a large
table, sorts what an index should deliver, or misses its index. About 30 s at scale 1.`,
  options: { scale: { type: 'string', default: '1' } },
});
const scale = Number(values.scale);
if (!(scale > 0)) usageError(NAME, '--scale must be a positive number, e.g. 0.1');

const volume = volumeAt(scale);
console.log(
  `db:explain: ${volume.users} users, ${volume.organizations} organizations, ${volume.memberships} memberships, ` +
    `${volume.webhookEvents} ledger rows and each resource's rows (--scale ${scale}) in a throwaway database`,
);
const postgres = await startLocalPostgres({});
let failed = false;
try {
  const url = await postgres.database('explain');
  const timings = await prepareDatabase(url, scale);
  console.log(
    `migrated in ${timings.migrateMs} ms, seeded in ${timings.seedMs} ms, vacuum analyze in ${timings.analyzeMs} ms\n`,
  );
  const reports = await explainCriticalPaths(url);
  console.log(formatReports(reports));
  for (const { path, sql, plan } of reports) {
    for (const problem of plan.problems) {
      console.log(`\nFAIL ${path.name} (${path.source}): ${problem}\n  ${sql.replace(/\s+/g, ' ')}`);
    }
  }
  failed = reports.some((report) => report.plan.problems.length > 0);
  if (failed) console.log('\nSee docs/debugging-matrix.md, "Slow list endpoint or job".');
} finally {
  await postgres.stop();
}
if (failed) process.exitCode = 1;
