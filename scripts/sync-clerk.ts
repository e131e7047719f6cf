// `npm run sync:clerk [-- --pages N]`: a full reconciliation run from Clerk's Backend API, the
// same code the Cron Trigger runs with a small bound. Needs CLERK_SECRET_KEY (shell or
// .dev.vars); CLERK_API_URL defaults to https://api.clerk.com.
import { parseArgs } from 'node:util';
import { reconcileClerk } from '../src/webhooks/clerk/reconcile.ts';
import { readDevVars } from './lib/dev-vars.ts';
import { withNodeDb } from './lib/node-db.ts';
import { withTargetDatabase } from './lib/target-database.ts';

const { values } = parseArgs({ options: { pages: { type: 'string', default: '1000' } } });
const vars = { ...readDevVars(), ...process.env };
const secretKey = vars.CLERK_SECRET_KEY;
if (!secretKey) throw new Error('CLERK_SECRET_KEY is not set (shell or .dev.vars)');
const apiUrl = (vars.CLERK_API_URL ?? 'https://api.clerk.com').replace(/\/+$/, '');

await withTargetDatabase((url, label) =>
  withNodeDb(url, async (db) => {
    console.log(`reconciling ${label} from ${apiUrl}`);
    const report = await reconcileClerk(
      db,
      { apiUrl, secretKey },
      { maxPages: Number(values.pages), pageSize: 100, maxRetryAfterSeconds: 60 },
    );
    console.log(JSON.stringify(report, null, 2));
  }),
);
