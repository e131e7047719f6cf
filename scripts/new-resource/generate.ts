// What `npm run new:resource` does to a checkout: the checks that refuse a name, and the writes
// (db/schema.ts, the migration drizzle-kit generates and its rollback, src/<name>/, the registry).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { readJournal } from '../lib/migration-files.ts';
import { addToRegistry, registryEntries } from '../lib/resource-registry.ts';
import { formatFiles } from './format.ts';
import { RESERVED_IDENTIFIERS, type ResourceNames } from './names.ts';
import { downSql, tableTs } from './templates/table.ts';

/** Top-level names a module declares or imports (formatted code: they start at column 0). */
function moduleScope(code: string): string[] {
  const declared = [...code.matchAll(/^(?:export )?(?:const|let|function|class|interface|type) (\w+)/gm)].map(
    (match) => match[1]!,
  );
  const imported = [...code.matchAll(/^import (?:type )?(\w+)?,?\s*(?:\{([^}]*)\})? from/gm)].flatMap(
    ([, whole, named]) => [
      ...(whole ? [whole] : []),
      ...(named ?? '')
        .split(',')
        .map(
          (specifier) =>
            specifier
              .trim()
              .replace(/^type /, '')
              .split(/\s+as\s+/)
              .at(-1)!,
        )
        .filter(Boolean),
    ],
  );
  return [...declared, ...imported];
}

/** Why the checkout cannot take a resource of these names, or undefined (see also `reservedNameProblem`). */
export function collision(root: string, n: ResourceNames, files: Record<string, string>): string | undefined {
  const name = n.plural;
  if (existsSync(path.join(root, 'src', name))) return `src/${name}/ already exists`;
  const registry = readFileSync(path.join(root, 'src', 'resources.ts'), 'utf8');
  if (registryEntries(registry).some((entry) => entry.folder === name)) {
    return `src/resources.ts already registers "${name}"`;
  }
  const schema = readFileSync(path.join(root, 'db', 'schema.ts'), 'utf8');
  if (new RegExp(`pgTable\\(\\s*'${name}'`).test(schema)) return `db/schema.ts already has a table "${name}"`;
  const latest = readJournal(path.join(root, 'migrations')).at(-1);
  if (latest) {
    const snapshot = path.join(root, 'migrations', 'meta', `${String(latest.idx).padStart(4, '0')}_snapshot.json`);
    const tables = Object.keys((JSON.parse(readFileSync(snapshot, 'utf8')) as { tables: object }).tables);
    if (tables.includes(`public.${name}`)) return `the migrations already create a table "${name}"`;
  }
  const route = new RegExp(`['\`]/v1/${name}(?=['\`/?{])`);
  const routeFile = sourceFiles(path.join(root, 'src')).find((file) => route.test(readFileSync(file, 'utf8')));
  if (routeFile) return `${path.relative(root, routeFile)} already serves /v1/${name}`;
  if (moduleScope(schema).includes(n.camelPlural)) return `db/schema.ts already declares "${n.camelPlural}"`;
  for (const identifier of [n.camelPlural, n.pascal, n.pascalPlural]) {
    if (RESERVED_IDENTIFIERS.has(identifier)) return `"${identifier}" (derived from "${name}") is a JavaScript name`;
  }
  for (const [file, code] of Object.entries(files)) {
    const names = moduleScope(code);
    const twice = names.find((identifier, index) => names.indexOf(identifier) !== index);
    if (twice) return `"${twice}" (derived from "${name}") clashes with a name src/${name}/${file} uses`;
  }
  return undefined;
}

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

export class GenerationError extends Error {}

/** Writes the resource (`files`: src/<name>/'s, from ./files.ts); returns the paths it wrote. */
export function writeResource(root: string, n: ResourceNames, files: Record<string, string>): string[] {
  const schemaFile = path.join(root, 'db', 'schema.ts');
  const schema = readFileSync(schemaFile, 'utf8');
  writeFileSync(schemaFile, schema + tableTs(n));
  let migration: string;
  try {
    migration = generateMigration(root, n);
  } catch (error) {
    writeFileSync(schemaFile, schema);
    throw error;
  }
  const folder = path.join(root, 'src', n.plural);
  mkdirSync(folder);
  for (const [file, code] of Object.entries(files)) writeFileSync(path.join(folder, file), code);
  const registryFile = path.join(root, 'src', 'resources.ts');
  const registry = addToRegistry(readFileSync(registryFile, 'utf8'), {
    folder: n.plural,
    routes: `${n.camel}Routes`,
  });
  writeFileSync(registryFile, registry);
  const code = ['db/schema.ts', ...Object.keys(files).map((file) => `src/${n.plural}/${file}`), 'src/resources.ts'];
  formatFiles(root, code);
  return [...code, `migrations/${migration}.sql`, `migrations/${migration}.down.sql`];
}

/**
 * Runs drizzle-kit generate for the new table and writes the migration's rollback; returns its
 * tag. A migration that holds anything but the new table (db/schema.ts had changes nobody
 * generated yet) is taken back, and the user is told to generate those first.
 */
function generateMigration(root: string, n: ResourceNames): string {
  const folder = path.join(root, 'migrations');
  const journalFile = path.join(folder, 'meta', '_journal.json');
  const journal = readFileSync(journalFile, 'utf8');
  const before = readJournal(folder).length;
  const drizzleKit = path.join(root, 'node_modules', '.bin', 'drizzle-kit');
  // Non-interactive: stdin closed. drizzle-kit asks only about renames, which a new table is not.
  const run = spawnSync(drizzleKit, ['generate', '--name', n.plural], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const entries = readJournal(folder);
  const added = entries.slice(before);
  const output = `${run.stdout ?? ''}${run.stderr ?? ''}`.trim();
  if (added.length !== 1 || !added[0]!.tag.endsWith(`_${n.plural}`)) {
    throw new GenerationError(`drizzle-kit generate wrote no migration for ${n.plural}: ${output.split('\n').at(-1)}`);
  }
  const { tag, idx } = added[0]!;
  const sqlFile = path.join(folder, `${tag}.sql`);
  const statements = readFileSync(sqlFile, 'utf8')
    .split('--> statement-breakpoint')
    .map((statement) => statement.trim())
    .filter(Boolean);
  const table = `"${n.plural}"`;
  const foreign = statements.find(
    (statement) =>
      !statement.startsWith(`CREATE TABLE ${table}`) &&
      !statement.startsWith(`ALTER TABLE ${table} `) &&
      !new RegExp(`^CREATE INDEX "[^"]+" ON ${table} `).test(statement),
  );
  if (foreign) {
    rmSync(sqlFile);
    rmSync(path.join(folder, 'meta', `${String(idx).padStart(4, '0')}_snapshot.json`));
    writeFileSync(journalFile, journal);
    throw new GenerationError(
      `db/schema.ts has changes that no migration holds yet (${foreign.split('\n')[0]}): run \`npm run db:generate -- --name <name>\` for them first`,
    );
  }
  writeFileSync(path.join(folder, `${tag}.down.sql`), downSql(n, tag));
  return tag;
}
