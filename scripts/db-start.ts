// `npm run db:start`: runs the local PostgreSQL server (.data/postgres) in the foreground until
// Ctrl-C, so commands given a DATABASE_URL on it can connect (e.g. to a `npm run db:branch` copy).
// `npm run dev` starts the server by itself; when one is already running, both share it.
import { parseCommandLine } from './lib/cli.ts';
import { listDatabases } from './lib/local-branches.ts';
import { startLocalPostgres, urlFor } from './lib/local-postgres.ts';
import { LOCAL_DATABASE, LOCAL_SERVER } from './lib/target-database.ts';

parseCommandLine({
  name: 'db:start',
  usage: `
usage: npm run db:start

Runs the local PostgreSQL server (.data/postgres) in the foreground until Ctrl-C and prints the
URL of each local database on it (the port is 54329 unless that was taken).`,
  options: {},
});

const postgres = await startLocalPostgres(LOCAL_SERVER);
await postgres.database(LOCAL_DATABASE);
console.log(`local PostgreSQL on port ${postgres.port} (.data/postgres). Databases:`);
for (const database of await listDatabases(postgres.adminUrl)) {
  console.log(`  ${database.padEnd(24)} ${urlFor(postgres.port, database)}`);
}
console.log('Ctrl-C to quit (stops the server unless another command started it).');

const keepAlive = setInterval(() => {}, 60_000);
await new Promise((resolve) => {
  process.once('SIGINT', resolve);
  process.once('SIGTERM', resolve);
});
clearInterval(keepAlive);
await postgres.stop();
