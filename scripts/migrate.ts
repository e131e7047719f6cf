// `npm run db:migrate`: applies pending migrations to DATABASE_URL (shell or .dev.vars), or to
// the local database that `npm run dev` uses when DATABASE_URL is not set.
import { applyMigrations } from './lib/migrations.ts';
import { withTargetDatabase } from './lib/target-database.ts';

await withTargetDatabase(async (url, label) => {
  const applied = await applyMigrations(url);
  console.log(applied.length ? `applied to ${label}: ${applied.join(', ')}` : `${label} is up to date`);
});
