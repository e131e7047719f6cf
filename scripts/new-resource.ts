// `npm run new:resource -- <name> [--owner user|organization|both] [--singular <name>]`: adds a
// resource that follows every rule of the example: its table in db/schema.ts (ownedResourceColumns
// and ownedResourceIndexes), the migration drizzle-kit generates for it with its rollback, the
// folder src/<name>/ (routes, statements, zod contract, tests on both drivers, db:explain paths)
// and its line in src/resources.ts. The files come from the templates in scripts/new-resource/,
// never from the example's folder, so it works as well after `npm run init -- --without-example`.
import { parseCommandLine, usageError } from './lib/cli.ts';
import { PROJECT_ROOT } from './lib/project-root.ts';
import { resourceFiles } from './new-resource/files.ts';
import { collision, GenerationError, writeResource } from './new-resource/generate.ts';
import {
  nameFormProblem,
  OWNERS,
  type Owner,
  reservedNameProblem,
  resourceNames,
  singularOf,
} from './new-resource/names.ts';

const NAME = 'new:resource';
const { values, positionals } = parseCommandLine({
  name: NAME,
  usage: `
usage: npm run new:resource -- <name> [--owner user|organization|both] [--singular <name>]

Adds the resource <name> the way the example is built: its table in db/schema.ts, the migration
drizzle-kit generates for it (with its rollback), src/<name>/ (routes, statements, zod contract,
tests on both drivers, db:explain paths) and its line in src/resources.ts.

<name> is the plural, lower-case snake_case name: widgets, purchase_orders. It is the table, the
folder src/<name>/ and the path /v1/<name>; the code's names derive from it (PurchaseOrder).

  --owner     who owns a row: both (default; the session's active organization, else the caller),
              user (the caller, always) or organization (403 for a session without one)
  --singular  the singular when it is not <name> without its plural ending: people --singular person

Then: npm run check && npm run db:lint && npm test && npm run db:explain`,
  options: { owner: { type: 'string', default: 'both' }, singular: { type: 'string' } },
  allowPositionals: true,
});

const [name] = positionals;
if (name === undefined || positionals.length > 1) usageError(NAME, 'name exactly one resource, e.g. widgets');
const owner = values.owner as Owner;
if (!OWNERS.includes(owner)) usageError(NAME, `--owner must be one of ${OWNERS.join(', ')}, not "${values.owner}"`);
const nameProblem = nameFormProblem(name) ?? reservedNameProblem(name);
if (nameProblem) usageError(NAME, nameProblem);
const singular = values.singular ?? singularOf(name);
if (singular === undefined) usageError(NAME, `cannot tell the singular of "${name}": name it with --singular`);
const singularProblem = nameFormProblem(singular, '--singular');
if (singularProblem) usageError(NAME, singularProblem);
if (singular === name) usageError(NAME, `the singular must differ from the plural "${name}"`);

const names = resourceNames(name, singular, owner);
const files = resourceFiles(names);
const refused = collision(PROJECT_ROOT, names, files);
if (refused) usageError(NAME, refused);

let written: string[];
try {
  written = writeResource(PROJECT_ROOT, names, files);
} catch (error) {
  if (!(error instanceof GenerationError)) throw error;
  console.error(`${NAME}: ${error.message}`);
  process.exit(1);
}
console.log(`${NAME}: /v1/${name}, owned by ${owner === 'both' ? 'an organization or a user' : `a ${owner}`}:`);
for (const file of written) console.log(`  ${file}`);
console.log(`
Names: table and folder ${name}, ${names.pascal} / ${names.pascalPlural} in the code, "${names.singularWords}" in messages.
Next:
  npm run check && npm run db:lint && npm test && npm run db:explain
  npm run dev, then: curl -H "Authorization: Bearer $(npm run -s token -- --sub user_123)" localhost:8787/v1/${name}
Add your own columns in db/schema.ts and src/${name}/ (schemas.ts, queries.ts, routes.ts), then npm run db:generate.`);
