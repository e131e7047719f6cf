// `npm run db:migrate`: applies pending migrations to DATABASE_URL (shell or .dev.vars), or to
// the local database that `npm run dev` uses when DATABASE_URL is not set.
import { parseCommandLine } from './lib/cli.ts';
import { applyMigrations } from './lib/migrations.ts';
import { withTargetDatabase } from './lib/target-database.ts';

parseCommandLine({
  name: 'db:migrate',
  usage: `
usage: npm run db:migrate

Applies the pending migrations in migrations/ to DATABASE_URL (shell, then .dev.vars), else to
the local database "app" that \`npm run dev\` uses.`,
  options: {},
});

await withTargetDatabase(async (url, label) => {
  const applied = await applyMigrations(url);
  console.log(applied.length ? `applied to ${label}: ${applied.join(', ')}` : `${label} is up to date`);
});
