// `npm run db:lint`: checks the migrations that are new relative to the main branch with squawk and
// the project rules (scripts/db-lint/), and the migration journal. Exit code 1 on any finding.
//   npm run db:lint                      new migrations (see scripts/db-lint/changed.ts)
//   npm run db:lint -- --all             every migration
//   npm run db:lint -- --base origin/dev  new relative to another ref
//   npm run db:lint -- <file.sql>...     these files (e.g. the fixtures)
import path from 'node:path';
import { allMigrations, newMigrations, type Selection } from './db-lint/changed.ts';
import { formatFinding, githubAnnotation, lintFiles, lintJournal } from './db-lint/lint.ts';
import { parseCommandLine } from './lib/cli.ts';
import { MIGRATIONS_FOLDER } from './lib/migration-files.ts';

const { values, positionals } = parseCommandLine({
  name: 'db:lint',
  usage: `
usage: npm run db:lint [-- --all | --base <ref> | <file.sql>...]

Lints the migrations new relative to main (or --base <ref>, every one with --all, or the files
named) with squawk and the project rules; exits 1 on any finding. Rules: docs/migrations.md.`,
  options: { all: { type: 'boolean', default: false }, base: { type: 'string' } },
  allowPositionals: true,
});

const selection: Selection =
  positionals.length > 0
    ? {
        files: positionals.filter((file) => !file.endsWith('.down.sql')).map((file) => path.resolve(file)),
        description: 'the files named',
      }
    : values.all
      ? { files: allMigrations(MIGRATIONS_FOLDER), description: 'every migration' }
      : newMigrations(MIGRATIONS_FOLDER, values.base);

const findings = [...(positionals.length > 0 ? [] : lintJournal(MIGRATIONS_FOLDER)), ...lintFiles(selection.files)];
const names = selection.files.map((file) => path.basename(file)).join(', ') || 'none';
console.log(`db:lint: ${selection.files.length} migration(s), ${selection.description}: ${names}`);
for (const finding of findings) {
  console.log(`\n${formatFinding(finding)}`);
  if (process.env.GITHUB_ACTIONS === 'true') console.log(githubAnnotation(finding));
}
if (findings.length > 0) {
  console.log(`\ndb:lint: ${findings.length} problem(s). Rules and acknowledgements: docs/migrations.md`);
  process.exitCode = 1;
} else {
  console.log('db:lint: ok');
}
