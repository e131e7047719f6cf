// `npm run db:branch -- <name>`: copies the local database "app" (the one `npm run dev` uses) into
// a new local database <name>, to try a migration or a backfill there first. `--terminate`
// disconnects other sessions of "app" (the copy needs it idle).
// `npm run db:branch:drop -- <name>`: drops it. `npm run db:branch` lists the local databases.
// Local only: on Neon, branch with the Neon console or neonctl.
import { parseCommandLine } from './lib/cli.ts';
import { BranchError, createBranch, dropBranch, listDatabases } from './lib/local-branches.ts';
import { startLocalPostgres, urlFor } from './lib/local-postgres.ts';
import { LOCAL_DATABASE, LOCAL_SERVER } from './lib/target-database.ts';

const { values, positionals } = parseCommandLine({
  name: process.argv.includes('--drop') ? 'db:branch:drop' : 'db:branch',
  usage: `
usage: npm run db:branch [-- <name> [--terminate]]
       npm run -s db:branch -- <name> --url
       npm run db:branch:drop -- <name>

Copies the local database "app" into a new local database <name> (--terminate disconnects other
sessions of "app" first), drops it, or with no name lists the local databases and their URLs.
--url prints only the URL of the existing local database <name> (for DATABASE_URL=$(...)).`,
  options: {
    drop: { type: 'boolean', default: false },
    terminate: { type: 'boolean', default: false },
    url: { type: 'boolean', default: false },
  },
  allowPositionals: true,
});
const [name] = positionals;

const postgres = await startLocalPostgres(LOCAL_SERVER);
let failed = false;
try {
  if (!name) {
    console.log(`local databases (port ${postgres.port}):`);
    for (const database of await listDatabases(postgres.adminUrl)) {
      console.log(`  ${database.padEnd(24)} ${urlFor(postgres.port, database)}`);
    }
  } else if (values.url) {
    if (!(await listDatabases(postgres.adminUrl)).includes(name)) {
      throw new BranchError(`database "${name}" does not exist: create it with \`npm run db:branch -- ${name}\``);
    }
    console.log(urlFor(postgres.port, name));
  } else if (values.drop) {
    await dropBranch(postgres.adminUrl, name, LOCAL_DATABASE);
    console.log(`dropped the local database "${name}"`);
  } else {
    await createBranch(postgres.adminUrl, name, LOCAL_DATABASE, { terminate: values.terminate });
    const url = urlFor(postgres.port, name);
    console.log(`created the local database "${name}" as a copy of "${LOCAL_DATABASE}". Use it with:`);
    console.log(`  DATABASE_URL=${url} npm run db:migrate`);
    console.log(`  DATABASE_URL=${url} npm run dev`);
    console.log('while the local server runs (`npm run db:start` in another terminal).');
    console.log(`Drop it with: npm run db:branch:drop -- ${name}`);
  }
} catch (error) {
  if (!(error instanceof BranchError)) throw error;
  console.error(`db:branch: ${error.message}`);
  failed = true;
} finally {
  await postgres.stop();
}
if (failed) process.exitCode = 1;
