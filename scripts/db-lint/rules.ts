// The project's migration rules: statements that destroy data or lock a live table. Each rule says
// why the statement is risky and how to do it safely; a statement that is safe anyway is
// acknowledged in the migration with `-- lint: allow <rule> -- <reason>` (see lint.ts).
// Rules match on whitespace-collapsed SQL with comments removed (sql-statements.ts).
import type { Statement } from '../lib/sql-statements.ts';

export interface Rule {
  why: string;
  fix: string;
  /** squawk rules that report the same risk: one acknowledgement covers both. */
  squawk: string[];
}

export const RULES = {
  drop: {
    why: 'removes something that the release still running during the rollout may use; dropped data is gone for good',
    fix: 'contract only after no deployed release reads or writes it (docs/migrations.md#expand-and-contract), then acknowledge',
    squawk: [
      'ban-drop-column',
      'ban-drop-table',
      'ban-drop-database',
      'ban-drop-schema',
      'ban-drop-sequence',
      'ban-drop-domain',
      'ban-drop-constraint',
      'ban-drop-extension',
      'ban-truncate-cascade',
    ],
  },
  rename: {
    why: 'the release still running during the rollout uses the old name: its queries fail until the new code is live',
    fix: 'expand and contract: add the new name, write both, backfill, switch reads, drop the old one in a later release (docs/migrations.md#renaming-a-column)',
    squawk: ['renaming-column', 'renaming-table', 'renaming-object'],
  },
  'column-type': {
    why: 'most type changes rewrite the whole table under an ACCESS EXCLUSIVE lock (no reads, no writes) and can break readers',
    fix: 'add a column of the new type, backfill, switch, drop the old one (expand and contract); acknowledge only a change Postgres makes without a rewrite, e.g. varchar(n) to text',
    squawk: ['changing-column-type'],
  },
  'set-not-null': {
    why: 'scans the whole table under an ACCESS EXCLUSIVE lock to prove there is no NULL, blocking reads and writes',
    fix: 'first add CHECK (col IS NOT NULL) NOT VALID and VALIDATE it in a no-transaction migration; SET NOT NULL then skips the scan: acknowledge naming that check (docs/migrations.md#expand-and-contract)',
    squawk: ['adding-not-nullable-field'],
  },
  'add-column-not-null': {
    why: 'fails on a table that has rows, and the release running during the rollout inserts rows without the column',
    fix: 'add the column nullable (or with a constant DEFAULT), backfill, then enforce NOT NULL (docs/migrations.md#expand-and-contract)',
    squawk: ['adding-required-field'],
  },
  'index-not-concurrent': {
    why: 'blocks every write to the table until the index is built: seconds to minutes of failed or queued requests on a large table',
    fix: 'build it with CREATE INDEX CONCURRENTLY in a migration of its own whose first line is `-- migration: no-transaction` (docs/migrations.md#adding-an-index-to-an-existing-table)',
    squawk: ['require-concurrent-index-creation'],
  },
  'constraint-not-valid': {
    why: 'checks every existing row while holding a lock that blocks writes (for a foreign key, on both tables)',
    fix: 'add it with NOT VALID (checks new rows only, instant), then VALIDATE CONSTRAINT in a no-transaction migration (docs/migrations.md#expand-and-contract)',
    squawk: ['constraint-missing-not-valid', 'adding-foreign-key-constraint'],
  },
  'concurrently-in-transaction': {
    why: 'Postgres refuses CONCURRENTLY inside a transaction, and the migrator runs this migration in one',
    fix: 'move the statement to a migration of its own whose first line is `-- migration: no-transaction`',
    squawk: ['ban-concurrent-index-creation-in-transaction'],
  },
  'one-statement-per-breakpoint': {
    why: 'in a no-transaction migration, statements sent together run as one implicit transaction: CONCURRENTLY fails, and a failure half-applies the rest',
    fix: 'end every statement with `--> statement-breakpoint`',
    squawk: [],
  },
  'rollback-missing': {
    why: 'nobody can undo this migration in a hurry: there are no rollback instructions',
    fix: 'add a sibling NNNN_name.down.sql, or a `-- rollback:` comment block with the SQL, or `-- rollback: irreversible -- <why, and what to do instead>` (docs/migrations.md#rollback-instructions)',
    squawk: [],
  },
  journal: {
    why: "the migrator only runs files listed in meta/_journal.json, in order, and skips one older than the database's last migration",
    fix: 'create migrations with `npm run db:generate` (or `npm run db:generate -- --custom --name <name>`); after a merge, regenerate yours so it comes last',
    squawk: [],
  },
  'lint-annotation': {
    why: 'an acknowledgement must name what it allows and why, and must still match a finding',
    fix: 'write `-- lint: allow <rule> -- <reason>` on the line above the statement; remove acknowledgements that match nothing',
    squawk: [],
  },
} satisfies Record<string, Rule>;

export type RuleName = keyof typeof RULES;

export const isRuleName = (name: string): name is RuleName => Object.hasOwn(RULES, name);

/** The squawk rules that report the same risk as a project rule. */
export const squawkRulesOf = (rule: RuleName): readonly string[] => RULES[rule].squawk;

export interface Hit {
  rule: RuleName;
  statement: Statement;
  /** What exactly, e.g. `column "email" of "users"`. */
  detail: string;
}

const NAME = String.raw`(?:"(?:[^"]|"")+"|[A-Za-z_][\w$]*)`;
const QUALIFIED = String.raw`(?:${NAME}\s*\.\s*)?${NAME}`;

/** The unqualified, unquoted name as Postgres stores it. */
export function objectName(raw: string): string {
  const last = raw.match(new RegExp(NAME, 'g'))?.at(-1) ?? raw;
  return last.startsWith('"') ? last.slice(1, -1).replaceAll('""', '"') : last.toLowerCase();
}

/** Tables, indexes and constraints the migration creates: changing them blocks nobody. */
export interface NewObjects {
  tables: Set<string>;
  indexes: Set<string>;
  constraints: Set<string>;
}

export function newObjectsOf(statements: Statement[]): NewObjects {
  const objects: NewObjects = { tables: new Set(), indexes: new Set(), constraints: new Set() };
  for (const { code } of statements) {
    const table = new RegExp(
      `^CREATE (?:(?:UNLOGGED|TEMP|TEMPORARY) )?TABLE (?:IF NOT EXISTS )?(${QUALIFIED})`,
      'i',
    ).exec(code);
    if (table) objects.tables.add(objectName(table[1]!));
    const index = createIndexOf(code);
    if (index?.name) objects.indexes.add(index.name);
    for (const constraint of code.matchAll(new RegExp(String.raw`\bADD CONSTRAINT (${NAME})`, 'gi'))) {
      objects.constraints.add(objectName(constraint[1]!));
    }
  }
  return objects;
}

function createIndexOf(code: string) {
  const match = new RegExp(
    `^CREATE (UNIQUE )?INDEX (CONCURRENTLY )?(?:IF NOT EXISTS )?(?:(${QUALIFIED}) )?ON (?:ONLY )?(${QUALIFIED})`,
    'i',
  ).exec(code);
  if (!match) return undefined;
  return {
    concurrently: Boolean(match[2]),
    name: match[3] ? objectName(match[3]) : undefined,
    table: objectName(match[4]!),
  };
}

/** The project rules that one statement breaks. */
export function checkStatement(statement: Statement, objects: NewObjects, noTransaction: boolean): Hit[] {
  const hits: Hit[] = [];
  const hit = (rule: RuleName, detail: string) => hits.push({ rule, statement, detail });
  const { code } = statement;

  if (!noTransaction && /^(?:CREATE (?:UNIQUE )?INDEX|DROP INDEX|REINDEX)\b.*\bCONCURRENTLY\b/i.test(code)) {
    hit('concurrently-in-transaction', code.split(' ').slice(0, 3).join(' '));
  }

  const index = createIndexOf(code);
  if (index && !index.concurrently && !objects.tables.has(index.table)) {
    hit('index-not-concurrent', `index ${index.name ?? '(unnamed)'} on existing table "${index.table}"`);
  }

  const drop = new RegExp(
    `^DROP (TABLE|INDEX|SCHEMA|TYPE|VIEW|MATERIALIZED VIEW|SEQUENCE|DOMAIN|FUNCTION|PROCEDURE|EXTENSION|TRIGGER|POLICY|DATABASE)(?: CONCURRENTLY)?(?: IF EXISTS)? (${QUALIFIED})`,
    'i',
  ).exec(code);
  if (drop) {
    const kind = drop[1]!.toLowerCase();
    const name = objectName(drop[2]!);
    const isNew = (kind === 'table' && objects.tables.has(name)) || (kind === 'index' && objects.indexes.has(name));
    if (!isNew) hit('drop', `${kind} "${name}"`);
  }
  if (/^TRUNCATE\b/i.test(code)) hit('drop', 'every row (TRUNCATE)');
  if (/^ALTER (?:INDEX|SEQUENCE|VIEW|MATERIALIZED VIEW|TYPE|SCHEMA|FUNCTION|DOMAIN)\b.* RENAME\b/i.test(code)) {
    hit('rename', code.split(' ').slice(0, 3).join(' '));
  }

  const alter = new RegExp(`^ALTER TABLE (?:IF EXISTS )?(?:ONLY )?(${QUALIFIED}) (.*)$`, 'i').exec(code);
  if (alter) {
    const table = objectName(alter[1]!);
    const existing = !objects.tables.has(table);
    for (const action of splitTopLevel(alter[2]!, ',')) {
      checkAlterTableAction(action, table, existing, objects, hit);
    }
  }
  return hits;
}

function checkAlterTableAction(
  action: string,
  table: string,
  existing: boolean,
  objects: NewObjects,
  hit: (rule: RuleName, detail: string) => void,
): void {
  const on = `"${table}"`;
  const dropConstraint = new RegExp(`^DROP CONSTRAINT (?:IF EXISTS )?(${NAME})`, 'i').exec(action);
  if (dropConstraint) {
    const name = objectName(dropConstraint[1]!);
    if (!objects.constraints.has(name)) hit('drop', `constraint "${name}" of ${on}`);
    return;
  }
  const dropColumn = new RegExp(`^DROP (?:COLUMN )?(?:IF EXISTS )?(${NAME})`, 'i').exec(action);
  if (dropColumn && existing) {
    hit('drop', `column "${objectName(dropColumn[1]!)}" of ${on}`);
    return;
  }
  if (/^RENAME\b/i.test(action)) {
    if (existing) hit('rename', `${on} ${action}`);
    return;
  }
  if (!existing) return;
  const alterColumn = new RegExp(`^ALTER (?:COLUMN )?(${NAME}) (.*)$`, 'i').exec(action);
  if (alterColumn) {
    const column = `column "${objectName(alterColumn[1]!)}" of ${on}`;
    if (/^(?:SET DATA )?TYPE\b/i.test(alterColumn[2]!)) hit('column-type', column);
    if (/^SET NOT NULL\b/i.test(alterColumn[2]!)) hit('set-not-null', column);
    return;
  }
  const addConstraint = /^ADD (?:CONSTRAINT \S+ )?(FOREIGN KEY|CHECK)\b/i.exec(action);
  if (addConstraint && !/\bNOT VALID\b/i.test(action)) {
    hit('constraint-not-valid', `${addConstraint[1]!.toUpperCase()} on ${on}`);
    return;
  }
  const addColumn = new RegExp(`^ADD (?:COLUMN )?(?:IF NOT EXISTS )?(${NAME}) (.*)$`, 'i').exec(action);
  if (addColumn && !/^(?:CONSTRAINT|PRIMARY|UNIQUE|FOREIGN|CHECK|EXCLUDE)$/i.test(addColumn[1]!)) {
    const definition = addColumn[2]!;
    const column = `column "${objectName(addColumn[1]!)}" of ${on}`;
    if (/\b(?:NOT NULL|PRIMARY KEY)\b/i.test(definition) && !/\b(?:DEFAULT|GENERATED)\b/i.test(definition)) {
      hit('add-column-not-null', column);
    }
    if (/\bREFERENCES\b/i.test(definition)) hit('constraint-not-valid', `FOREIGN KEY on ${column}`);
  }
}

/** Splits at `separator` outside parentheses. */
function splitTopLevel(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === separator && depth === 0) {
      parts.push(current.trim());
      current = '';
    } else current += ch;
  }
  if (current.trim()) parts.push(current.trim());
  return parts;
}
