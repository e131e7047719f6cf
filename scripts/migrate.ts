// `npm run db:migrate`: applies pending migrations to DATABASE_URL, or to the local embedded
// PostgreSQL that `npm run dev` uses when DATABASE_URL is not set.
import { readDevVars } from './lib/dev-vars.ts';
import { startLocalPostgres } from './lib/local-postgres.ts';
import { applyMigrations } from './lib/migrations.ts';

const url = process.env.DATABASE_URL ?? readDevVars().DATABASE_URL;
if (url) {
  await applyMigrations(url);
  console.log(`migrations applied to ${new URL(url).host}${new URL(url).pathname}`);
} else {
  const postgres = await startLocalPostgres({ name: 'postgres', preferredPort: 54329 });
  try {
    await applyMigrations(await postgres.database('app'));
    console.log('migrations applied to the local database (.data/postgres, database "app")');
  } finally {
    await postgres.stop();
  }
}
