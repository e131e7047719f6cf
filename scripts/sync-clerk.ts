// `npm run sync:clerk [-- --pages N]`: a full reconciliation run from Clerk's Backend API, the
// same code the Cron Trigger runs with a small bound. Needs CLERK_SECRET_KEY (shell or
// .dev.vars); CLERK_API_URL defaults to https://api.clerk.com.
import { reconcileClerk } from '../src/clerk/reconcile.ts';
import { fail, parseCommandLine, positiveInteger } from './lib/cli.ts';
import { readDevVars } from './lib/dev-vars.ts';
import { withNodeDb } from './lib/node-db.ts';
import { withTargetDatabase } from './lib/target-database.ts';

const NAME = 'sync:clerk';
const { values } = parseCommandLine({
  name: NAME,
  usage: `
usage: npm run sync:clerk [-- --pages N]

Reconciles users and organizations from Clerk's Backend API (CLERK_API_URL, CLERK_SECRET_KEY from
the shell or .dev.vars) into DATABASE_URL, else the local database, through the webhook's winner
rule. --pages bounds the pages of 100 per kind (default 1000). Exits 1 if the run stops early.`,
  options: { pages: { type: 'string', default: '1000' } },
});
const pages = positiveInteger(NAME, 'pages', values.pages);
const vars = { ...readDevVars(), ...process.env };
const secretKey = vars.CLERK_SECRET_KEY;
if (!secretKey) fail(NAME, 'CLERK_SECRET_KEY is not set (shell or .dev.vars)');
const apiUrl = (vars.CLERK_API_URL ?? 'https://api.clerk.com').replace(/\/+$/, '');

await withTargetDatabase((url, label) =>
  withNodeDb(url, async (db) => {
    console.log(`reconciling ${label} from ${apiUrl}`);
    const report = await reconcileClerk(
      db,
      { apiUrl, secretKey },
      { maxPages: pages, pageSize: 100, maxRetryAfterSeconds: 60 },
    );
    console.log(JSON.stringify(report, null, 2));
    if (report.stoppedEarly) {
      console.error(`${NAME}: stopped early: ${report.stoppedEarly}. Check CLERK_API_URL and the network.`);
      process.exitCode = 1;
    }
  }),
);
