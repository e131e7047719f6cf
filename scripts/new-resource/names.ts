// The names of a resource, all derived from the one the user types: its plural, lower-case
// snake_case name (`widgets`, `purchase_orders`). That one spelling is the table, the folder
// (src/<name>/), the URL path (/v1/<name>) and the registry's `folder`, so a resource is found
// under the same name everywhere; the code's identifiers and the prose are derived from it.

/** Who may own the resource's rows (src/lib/owned-resource.ts, `OwnedBy`). */
export type Owner = 'user' | 'organization' | 'both';
export const OWNERS: readonly Owner[] = ['user', 'organization', 'both'];

export interface ResourceNames {
  /** `purchase_orders`: table, folder, URL path segment, registry entry. */
  plural: string;
  /** `purchase_order`. */
  singular: string;
  /** `purchaseOrders`: the table's export in db/schema.ts. */
  camelPlural: string;
  /** `purchaseOrder`: a row in the tests. */
  camel: string;
  /** `PurchaseOrders`, `PurchaseOrder`: in function and type names. */
  pascalPlural: string;
  pascal: string;
  /** `PURCHASE_ORDERS`: the OwnedResource constant. */
  constant: string;
  /** `purchase orders`, `purchase order`: in sentences. */
  words: string;
  singularWords: string;
  /** `Purchase orders` (the OpenAPI tag), `Purchase order` (a sentence's start). */
  title: string;
  singularTitle: string;
  /** The indefinite article of `singularWords`: `a purchase order`, `an invoice`. */
  a: 'a' | 'an';
  owner: Owner;
}

/** snake_case, starting with a letter: a SQL identifier, a folder and a URL segment without quoting. */
const NAME = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;

/**
 * PostgreSQL cuts identifiers at 63 bytes, and the longest one drizzle-kit derives from the table
 * name is the foreign key `<name>_organization_id_organizations_id_fk` (36 more characters).
 */
export const MAX_NAME_LENGTH = 63 - '_organization_id_organizations_id_fk'.length;

/** Why `name` cannot name a resource, or undefined when its form is fine. */
export function nameFormProblem(name: string, label = 'name'): string | undefined {
  if (!NAME.test(name)) {
    return `${label} "${name}" is not a plural snake_case name: lower-case letters, digits and single underscores, starting with a letter (e.g. widgets, purchase_orders)`;
  }
  if (name.length > MAX_NAME_LENGTH) {
    return `${label} "${name}" is longer than ${MAX_NAME_LENGTH} characters (PostgreSQL cuts the constraint names derived from it at 63)`;
  }
  return undefined;
}

/**
 * The singular of the last word of a plural English name, by the regular rules; undefined when
 * they do not apply (`people`, `data`, `address`): then the user names it with --singular.
 */
export function singularOf(plural: string): string | undefined {
  const cut = plural.lastIndexOf('_') + 1;
  const [head, last] = [plural.slice(0, cut), plural.slice(cut)];
  const one =
    /[^aeiou]ies$/.test(last) && last.length > 4
      ? `${last.slice(0, -3)}y`
      : /(ss|x|z|ch|sh)es$/.test(last)
        ? last.slice(0, -2)
        : /[^su]s$/.test(last)
          ? last.slice(0, -1)
          : undefined;
  return one === undefined ? undefined : head + one;
}

const words = (snake: string) => snake.split('_');
const capitalize = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);
const pascalOf = (snake: string) => words(snake).map(capitalize).join('');
const camelOf = (snake: string) => {
  const pascal = pascalOf(snake);
  return pascal.charAt(0).toLowerCase() + pascal.slice(1);
};

export function resourceNames(plural: string, singular: string, owner: Owner): ResourceNames {
  return {
    plural,
    singular,
    camelPlural: camelOf(plural),
    camel: camelOf(singular),
    pascalPlural: pascalOf(plural),
    pascal: pascalOf(singular),
    constant: plural.toUpperCase(),
    words: words(plural).join(' '),
    singularWords: words(singular).join(' '),
    title: capitalize(words(plural).join(' ')),
    singularTitle: capitalize(words(singular).join(' ')),
    // By spelling, which English mostly follows: an invoice, an update, a user, a unit.
    a: /^([aeio]|u[^aeiou][^aeiou])/.test(singular) ? 'an' : 'a',
    owner,
  };
}

/** JavaScript's reserved words and the globals a generated module must not shadow. */
export const RESERVED_IDENTIFIERS = new Set(
  (
    'await break case catch class const continue debugger default delete do else enum export extends false ' +
    'finally for function if implements import in instanceof interface let new null package private protected ' +
    'public return static super switch this throw true try typeof var void while with yield arguments eval ' +
    'undefined globalThis crypto console process Buffer Response Request Date JSON Object Array Promise Number ' +
    'String Boolean Error Map Set'
  ).split(' '),
);

/**
 * Names the API already uses or that would read as something else: the core routes' paths
 * (/v1/me, /health, /ready, /webhooks, /docs, /openapi.json), the synced and shared tables, and
 * the folders of src/ that are not resources.
 */
const RESERVED_NAMES = new Set([
  'me',
  'health',
  'ready',
  'docs',
  'openapi',
  'webhooks',
  'users',
  'organizations',
  'organization_memberships',
  'memberships',
  'webhook_events',
  'idempotency_keys',
  'auth',
  'clerk',
  'lib',
  'middleware',
  'v1',
]);

/** PostgreSQL's reserved key words: a table of that name needs quotes in every query. */
const SQL_RESERVED = new Set(
  (
    'all analyse analyze and any array as asc asymmetric both case cast check collate column constraint create ' +
    'current_catalog current_date current_role current_time current_timestamp current_user default deferrable ' +
    'desc distinct do else end except false fetch for foreign from grant group having in initially intersect ' +
    'into lateral leading limit localtime localtimestamp not null offset on only or order placing primary ' +
    'references returning select session_user some symmetric system_user table then to trailing true union ' +
    'unique user using variadic when where window with'
  ).split(' '),
);

/** Why `name` is not free for a resource whatever the checkout holds, or undefined. */
export function reservedNameProblem(name: string): string | undefined {
  if (RESERVED_NAMES.has(name)) return `"${name}" is taken by the API itself (a core route, table or folder of src/)`;
  if (SQL_RESERVED.has(name)) return `"${name}" is a reserved word of PostgreSQL`;
  return undefined;
}
