// `npm run db:rollback -- <tag>`: undoes the last applied migration of DATABASE_URL (or the local
// database) with its rollback instructions (NNNN_name.down.sql or its `-- rollback:` block), and
// forgets it, so the next `npm run db:migrate` would apply it again. <tag> must name the last
// applied migration, e.g. 0000_init. See docs/runbooks.md before using it on production.
import { parseCommandLine, usageError } from './lib/cli.ts';
import { rollbackLastMigration } from './lib/migrations.ts';
import { withTargetDatabase } from './lib/target-database.ts';

const NAME = 'db:rollback';
const { positionals } = parseCommandLine({
  name: NAME,
  usage: `
usage: npm run db:rollback -- <tag>

Undoes the last applied migration of DATABASE_URL (else the local database) with its rollback
instructions and forgets it. <tag> must name that migration, e.g. 0000_init.
Read docs/runbooks.md before using it on production.`,
  options: {},
  allowPositionals: true,
});
const [tag] = positionals;
if (!tag || positionals.length > 1) usageError(NAME, 'name exactly one migration tag, e.g. 0000_init');
try {
  await withTargetDatabase(async (url, label) => {
    await rollbackLastMigration(url, tag);
    console.log(`rolled back ${tag} on ${label}.`);
    console.log(`Revert or remove migrations/${tag}.sql too, or the next db:migrate applies it again.`);
  });
} catch (error) {
  console.error(`${NAME}: ${(error as Error).message}`);
  const cause = (error as { cause?: Error }).cause;
  if (cause) console.error(`  caused by: ${cause.message}`);
  process.exit(1);
}
