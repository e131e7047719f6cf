// `npm run new:resource`, in a throwaway copy of the checkout: the names it accepts and derives,
// the names it refuses (one line, exit 2, nothing written), and what it writes: a migration that
// db:lint accepts, that applies and rolls back, after which drizzle-kit sees no schema change.
// That the generated code passes `npm run check` and its own tests is shown by .ci/run, which
// generates resources in a copy and runs the whole suite there. The names are unlikely ones
// (zz_...), so the tests pass as well in a clone that has resources of its own.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { timeBudget } from '../../test/budget.ts';
import { type CheckoutCopy, copyCheckout, drizzleKitGenerate, git, runScript } from '../lib/checkout-copy.ts';
import { applyMigrations, rollbackLastMigration } from '../lib/migrations.ts';
import { withPgClient } from '../lib/pg-client.ts';
import { createScratchDatabase } from '../lib/scratch-database.ts';
import { resourceFiles } from './files.ts';
import { collision } from './generate.ts';
import { MAX_NAME_LENGTH, nameFormProblem, resourceNames, singularOf } from './names.ts';

describe('resource names', () => {
  it.each([
    ['widgets', 'widget'],
    ['purchase_orders', 'purchase_order'],
    ['categories', 'category'],
    ['pies', 'pie'],
    ['boxes', 'box'],
    ['batches', 'batch'],
    ['addresses', 'address'],
    ['people', undefined],
    ['data', undefined],
    ['status', undefined],
    ['address', undefined],
  ])('the singular of %s is %s', (plural, singular) => {
    expect(singularOf(plural)).toBe(singular);
  });

  it('derives every form from the plural and the singular', () => {
    expect(resourceNames('purchase_orders', 'purchase_order', 'user')).toEqual({
      plural: 'purchase_orders',
      singular: 'purchase_order',
      camelPlural: 'purchaseOrders',
      camel: 'purchaseOrder',
      pascalPlural: 'PurchaseOrders',
      pascal: 'PurchaseOrder',
      constant: 'PURCHASE_ORDERS',
      words: 'purchase orders',
      singularWords: 'purchase order',
      title: 'Purchase orders',
      singularTitle: 'Purchase order',
      a: 'a',
      owner: 'user',
    });
    expect(
      ['invoice', 'update', 'order', 'user', 'unit', 'widget'].map((word) => resourceNames(`${word}s`, word, 'both').a),
    ).toEqual(['an', 'an', 'an', 'a', 'a', 'a']);
  });

  it.each(['Widgets', 'widget-s', '9lives', 'a__b', '_x', 'x_', 'wid gets', `w${'x'.repeat(MAX_NAME_LENGTH)}`])(
    'refuses the form of %j',
    (name) => {
      expect(nameFormProblem(name)).toBeDefined();
    },
  );
});

// A test runs up to 8 processes (the script, Biome, drizzle-kit, db:lint, squawk), on 2 cores.
describe('npm run new:resource', { timeout: timeBudget({ processes: 8 }) }, () => {
  let copy: CheckoutCopy;
  beforeAll(() => {
    copy = copyCheckout('new-resource');
  });
  afterAll(() => copy.remove());

  const run = (...args: string[]) => runScript(copy.root, 'new-resource.ts', args);
  const changed = () => git(copy.root, 'status', '--porcelain').trim();

  it.each([
    [['Widgets'], 'name "Widgets" is not a plural snake_case name'],
    [['gad-gets'], 'name "gad-gets" is not a plural snake_case name'],
    [['me'], '"me" is taken by the API itself'],
    [['users'], '"users" is taken by the API itself'],
    [['organizations'], '"organizations" is taken by the API itself'],
    [['health'], '"health" is taken by the API itself'],
    [['people'], 'cannot tell the singular of "people": name it with --singular'],
    [['people', '--singular', 'Person'], '--singular "Person" is not a plural snake_case name'],
    [['arrays'], '"Array" (derived from "arrays") is a JavaScript name'],
    [['zz_gadgets', '--owner', 'team'], '--owner must be one of user, organization, both, not "team"'],
    [['zz_gadgets', 'zz_gizmos'], 'name exactly one resource, e.g. widgets'],
  ])('refuses %j in one line, exit 2, writing nothing', async (args, message) => {
    const result = await run(...args);
    const [line, hint, rest] = result.stderr.split('\n');
    expect(line).toMatch(new RegExp(`^new:resource: ${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    expect([hint, rest]).toEqual(['Run `npm run new:resource -- --help` for the usage.', '']);
    expect(result.code).toBe(2);
    expect(changed()).toBe('');
  });

  it('refuses a name whose path another route serves, naming the file', async () => {
    const other = path.join(copy.root, 'src', 'health', 'legacy.ts');
    writeFileSync(other, "export const legacy = { path: '/v1/zz_gizmos/{id}' };\n");
    try {
      const result = await run('zz_gizmos');
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^new:resource: src\/health\/legacy\.ts already serves \/v1\/zz_gizmos\n/);
    } finally {
      rmSync(other);
    }
    expect(changed()).toBe('');
  });

  it.each([
    [
      'src/resources.ts',
      (text: string) => text.replace('] as const;', "  { folder: 'zz_olds', routes: x },\n] as const;"),
      'src/resources.ts already registers "zz_olds"',
    ],
    [
      'db/schema.ts',
      (text: string) => `${text}\nexport const legacy = pgTable('zz_olds', {});\n`,
      'db/schema.ts already has a table "zz_olds"',
    ],
    ['db/schema.ts', (text: string) => `${text}\nexport const zzOlds = 1;\n`, 'db/schema.ts already declares "zzOlds"'],
    [
      'migrations/meta/_journal.json',
      (text: string, root: string) => {
        const last = (JSON.parse(text) as { entries: { idx: number }[] }).entries.at(-1)!.idx;
        const file = path.join(root, 'migrations', 'meta', `${String(last).padStart(4, '0')}_snapshot.json`);
        const snapshot = JSON.parse(readFileSync(file, 'utf8'));
        snapshot.tables['public.zz_olds'] = {};
        writeFileSync(file, JSON.stringify(snapshot));
        return text;
      },
      'the migrations already create a table "zz_olds"',
    ],
  ] as const)('refuses a name %s already holds', (file, change, message) => {
    const target = path.join(copy.root, file);
    writeFileSync(target, change(readFileSync(target, 'utf8'), copy.root));
    try {
      const names = resourceNames('zz_olds', 'zz_old', 'both');
      expect(collision(copy.root, names, resourceFiles(names))).toBe(message);
    } finally {
      git(copy.root, 'checkout', '--', '.');
    }
    expect(changed()).toBe('');
  });

  it('writes a resource whose migration lints, applies and rolls back, and leaves no schema change behind', async () => {
    const result = await run('zz_gadgets');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const tag = /migrations\/(\d{4}_zz_gadgets)\.sql/.exec(result.stdout)?.[1];
    expect(tag).toBeDefined();
    for (const file of [
      'routes.ts',
      'queries.ts',
      'schemas.ts',
      'testing.ts',
      'routes.test.ts',
      'fuzz.test.ts',
      'explain.ts',
    ]) {
      expect(existsSync(path.join(copy.root, 'src', 'zz_gadgets', file)), file).toBe(true);
    }
    expect(readFileSync(path.join(copy.root, 'src', 'resources.ts'), 'utf8')).toContain(
      "{ folder: 'zz_gadgets', routes: zzGadgetRoutes }",
    );
    expect(readFileSync(path.join(copy.root, 'db', 'schema.ts'), 'utf8')).toContain(
      "export const zzGadgets = pgTable(\n  'zz_gadgets',\n  {\n    ...ownedResourceColumns('both'),",
    );

    const lint = await runScript(copy.root, 'db-lint.ts', []);
    expect(lint.stdout).toContain(`${tag}.sql`);
    expect(lint.stdout).toContain('db:lint: ok');

    expect(drizzleKitGenerate(copy.root)).toContain('No schema changes');

    const again = await run('zz_gadgets');
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/^new:resource: src\/zz_gadgets\/ already exists\n/);

    const scratch = await createScratchDatabase(inject('databaseUrl'), 'new_resource');
    try {
      const folder = path.join(copy.root, 'migrations');
      expect((await applyMigrations(scratch.url, { folder })).at(-1)).toBe(tag);
      await rollbackLastMigration(scratch.url, tag!, { folder });
      expect(await tableExists(scratch.url, 'zz_gadgets')).toBe(false);
      expect(await applyMigrations(scratch.url, { folder })).toEqual([tag]);
      expect(await tableExists(scratch.url, 'zz_gadgets')).toBe(true);
    } finally {
      await scratch.drop();
    }
  });

  it('makes user- and organization-owned tables with one NOT NULL owner column', async () => {
    expect((await run('zz_notes', '--owner', 'user')).code).toBe(0);
    expect((await run('zz_invoices', '--owner', 'organization')).code).toBe(0);
    const migration = (name: string) => {
      const file = git(copy.root, 'ls-files', '--others', 'migrations')
        .split('\n')
        .find((f) => f.endsWith(`_${name}.sql`))!;
      return readFileSync(path.join(copy.root, file), 'utf8');
    };
    expect(migration('zz_notes')).toContain('"user_id" uuid NOT NULL');
    expect(migration('zz_notes')).not.toContain('organization_id');
    expect(migration('zz_invoices')).toContain('"organization_id" uuid NOT NULL');
    expect(migration('zz_invoices')).not.toContain('user_id');
    expect(readFileSync(path.join(copy.root, 'src', 'zz_invoices', 'queries.ts'), 'utf8')).toContain(
      "ownedBy: 'organization'",
    );
  });

  it('takes back everything when db/schema.ts holds a change no migration has yet', async () => {
    git(copy.root, 'add', '-A');
    git(copy.root, 'commit', '-q', '-m', 'generated');
    const schemaFile = path.join(copy.root, 'db', 'schema.ts');
    writeFileSync(
      schemaFile,
      `${readFileSync(schemaFile, 'utf8')}\nexport const extras = pgTable('extras', { id: uuid('id').primaryKey() });\n`,
    );
    const result = await run('zz_gizmos');
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'new:resource: db/schema.ts has changes that no migration holds yet (CREATE TABLE "extras" (): run `npm run db:generate -- --name <name>` for them first\n',
    );
    expect(changed()).toBe('M db/schema.ts');
    expect(readFileSync(schemaFile, 'utf8')).not.toContain('zz_gizmos');
  });
});

async function tableExists(url: string, table: string): Promise<boolean> {
  return withPgClient(url, async (client) => {
    const { rows } = await client.query('select to_regclass($1) is not null as found', [`public.${table}`]);
    return rows[0].found as boolean;
  });
}
