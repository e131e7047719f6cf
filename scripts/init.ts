// `npm run init -- --name acme-api [--title "Acme API"] [--without-example] [--force]`: makes a
// fresh clone of the template yours. It renames what carries the template's name (the Worker
// names in wrangler.toml and the buckets named after them, the package name, the OpenAPI title),
// and with --without-example removes the example resource `projects` and every trace of it
// (scripts/init/without-example.ts).
//
// Removing the example rewrites the migration history instead of adding a DROP migration: a clone
// that was never deployed has no database holding the example's tables, so its history should
// never have created them (scripts/init/migration-history.ts). A clone that was already deployed
// must not do that: its databases ran those migrations. It removes the example with a contract
// migration instead (docs/migrations.md, "Expand and contract").
//
// It edits files in place, textually (comments and formatting survive), so it refuses a work tree
// with uncommitted changes unless --force; every edit sets a value, so a second run changes nothing.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { removeExampleMigrations, withRenamedTags } from './init/migration-history.ts';
import { nextSteps } from './init/next-steps.ts';
import {
  nameProblem,
  renameApi,
  renameBuckets,
  renameLockfile,
  renamePackage,
  renameWorkers,
  titleOf,
  titleProblem,
} from './init/rename.ts';
import { EXAMPLE, withoutExampleBlocks, withoutExampleFigures } from './init/without-example.ts';
import { fail, parseCommandLine, usageError } from './lib/cli.ts';
import { PROJECT_ROOT } from './lib/project-root.ts';
import { removeFromRegistry } from './lib/resource-registry.ts';
import { formatted } from './new-resource/format.ts';

const NAME = 'init';
const { values } = parseCommandLine({
  name: NAME,
  usage: `
usage: npm run init -- --name <name> [--title "<title>"] [--without-example] [--force]

Makes this clone yours: names the Worker <name> in wrangler.toml (<name>-staging and
<name>-production for the environments) and the R2 buckets named after it (wrangler.toml and the
README's commands), the package <name>, and the API "<title>" in its OpenAPI
document (default: from the name, acme-api gives "Acme API"). Prints what it changed and what is
left to set up (Clerk, Neon, Hyperdrive, GitHub).

  --without-example  also remove the example resource (src/projects/, its table, its migrations and
                     every passage about it), for a clone that was never deployed: its migration
                     history is rewritten as if the example had never existed
  --force            run on a work tree with uncommitted changes (it refuses by default)

Run it again with the same options and it changes nothing.`,
  options: {
    name: { type: 'string' },
    title: { type: 'string' },
    'without-example': { type: 'boolean', default: false },
    force: { type: 'boolean', default: false },
  },
});

const name = values.name;
if (name === undefined) usageError(NAME, '--name is required, e.g. --name acme-api');
const title = values.title ?? titleOf(name);
const problem = nameProblem(name) ?? titleProblem(title);
if (problem) usageError(NAME, problem);

const status = spawnSync('git', ['status', '--porcelain'], { cwd: PROJECT_ROOT, encoding: 'utf8' });
if (!values.force) {
  if (status.status !== 0) {
    fail(NAME, 'this is not a git work tree, so nothing can undo its edits: commit the files first, or pass --force');
  }
  if (status.stdout.trim() !== '') {
    fail(NAME, 'the work tree has uncommitted changes (git status): commit or stash them first, or pass --force');
  }
}

/** What changed, by file. */
const changes = new Map<string, string[]>();
const record = (file: string, what: string) => changes.set(file, [...(changes.get(file) ?? []), what]);
const at = (file: string) => path.join(PROJECT_ROOT, file);

/** Applies `change` to `file`; records `what` when the file changed. */
function edit(file: string, what: string, change: (text: string) => string): void {
  if (!existsSync(at(file))) return;
  const before = readFileSync(at(file), 'utf8');
  const after = change(before);
  if (after === before) return;
  writeFileSync(at(file), after);
  record(file, what);
}

function remove(file: string): void {
  if (!existsSync(at(file))) return;
  rmSync(at(file), { recursive: true });
  record(file, 'removed');
}

// The README first: it finds the buckets to rename in wrangler.toml as it still is.
edit('README.md', 'bucket names in the commands that create them', (readme) =>
  renameBuckets(readme, readFileSync(at('wrangler.toml'), 'utf8'), name),
);
edit('wrangler.toml', `Worker names ${name}, ${name}-staging, ${name}-production`, (toml) => renameWorkers(toml, name));
edit('package.json', `package name ${name}`, (json) => renamePackage(json, name));
edit('package-lock.json', `package name ${name}`, (json) => renameLockfile(json, name));
edit('src/openapi/info.ts', `OpenAPI title "${title}"`, (source) =>
  formatted(PROJECT_ROOT, 'src/openapi/info.ts', renameApi(source, title)),
);

if (values['without-example']) {
  remove(`src/${EXAMPLE.folder}/`);
  for (const file of EXAMPLE.files) remove(file);
  edit('src/resources.ts', `the ${EXAMPLE.folder} line removed`, (source) =>
    formatted(PROJECT_ROOT, 'src/resources.ts', removeFromRegistry(source, EXAMPLE.folder)),
  );
  edit('db/schema.ts', `the ${EXAMPLE.folder} table removed`, withoutExampleBlocks);
  edit('wrangler.toml', "the example's KV namespace and R2 bucket removed", withoutExampleBlocks);
  regenerateBindingTypes();
  const history = removeExampleMigrations(at('migrations'), EXAMPLE.isMigration);
  for (const tag of history.removed) record(`migrations/${tag}.sql`, 'removed, with its rollback and snapshot');
  for (const [from, to] of history.renamed) record(`migrations/${from}.sql`, `now ${to}.sql, with its snapshot`);
  if (history.entities.length > 0) {
    record(
      'migrations/meta/',
      `the snapshots no longer hold ${history.entities.join(', ')}; the journal is renumbered`,
    );
  }
  const docs = ['README.md', ...readdirSync(at('docs')).map((file) => `docs/${file}`)].filter((file) =>
    file.endsWith('.md'),
  );
  for (const file of docs) edit(file, 'the passages about the example removed', withoutExampleBlocks);
  edit('README.md', "the benchmark figures (measured on the example's routes) cleared", withoutExampleFigures);
  // Later migrations moved up: every text file that names their tags follows.
  if (history.renamed.size > 0) {
    const tracked = spawnSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
    });
    const textFiles = (tracked.status === 0 ? tracked.stdout.split('\n') : docs).filter((file) =>
      /\.(md|ts|sql|toml|yml)$/.test(file),
    );
    for (const file of textFiles) {
      edit(file, 'migration tags renumbered', (text) => withRenamedTags(text, history.renamed));
    }
  }
}

/** worker-configuration.d.ts from wrangler.toml, as `npm run types` writes it (`npm run check` compares them). */
function regenerateBindingTypes(): void {
  const file = 'worker-configuration.d.ts';
  const before = readFileSync(at(file), 'utf8');
  const wrangler = path.join(PROJECT_ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js');
  const run = spawnSync(process.execPath, [wrangler, 'types', '--strict-vars=false', file], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
  });
  if (run.status !== 0) fail(NAME, `wrangler types failed: ${(run.stderr || run.stdout).trim().split('\n').at(-1)}`);
  if (readFileSync(at(file), 'utf8') !== before) record(file, 'regenerated from wrangler.toml (npm run types)');
}

if (changes.size === 0) {
  console.log(
    `${NAME}: nothing to change: this clone is already ${name}${values['without-example'] ? ', without the example' : ''}.`,
  );
} else {
  console.log(`${NAME}: changed`);
  for (const [file, what] of changes) console.log(`  ${file}: ${what.join('; ')}`);
  console.log('\nReview them with `git diff`, then commit.');
}
console.log(nextSteps(name, { example: existsSync(at(`src/${EXAMPLE.folder}`)) }));
