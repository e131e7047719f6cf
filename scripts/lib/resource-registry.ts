// Edits src/resources.ts, the registry of the API's resources, as text: one `{ folder, routes, ... }`
// entry per resource, with the imports from its folder. `npm run new:resource` adds one, `npm run
// init -- --without-example` removes one; Biome formats the result.

const REGISTRY = /export const resources = \[([^\]]*)\] as const;/;
/** `{ folder: '...', ... }`; the other fields (routes, scheduled work) are kept as they are written. */
const ENTRY = /\{\s*folder:\s*'([^']+)',([^{}]*)\}/g;

export interface RegistryEntry {
  folder: string;
  /** The entry's other fields, as source: `routes: widgetRoutes`. */
  fields: string;
}

export function registryEntries(source: string): RegistryEntry[] {
  const list = REGISTRY.exec(source);
  if (!list) throw new Error('src/resources.ts has no `export const resources = [...] as const;`');
  return [...list[1]!.matchAll(ENTRY)].map(([, folder, fields]) => ({ folder: folder!, fields: fields!.trim() }));
}

function withEntries(source: string, entries: RegistryEntry[]): string {
  const list = entries.map((entry) => `\n  { folder: '${entry.folder}', ${entry.fields} },`).join('');
  return source.replace(REGISTRY, `export const resources = [${list}${list ? '\n' : ''}] as const;`);
}

/** A new resource's entry: its routes, exported as `routes` from `src/<folder>/routes.ts`. */
export function addToRegistry(source: string, entry: { folder: string; routes: string }): string {
  const entries = registryEntries(source);
  if (entries.some((existing) => existing.folder === entry.folder)) return source;
  const lines = source.split('\n');
  const lastImport = lines.findLastIndex((line) => line.startsWith('import '));
  const firstCode = lines.findIndex((line) => line.startsWith('export const resources'));
  lines.splice(
    lastImport === -1 ? firstCode : lastImport + 1,
    0,
    `import { ${entry.routes} } from './${entry.folder}/routes.ts';`,
  );
  return withEntries(lines.join('\n'), [...entries, { folder: entry.folder, fields: `routes: ${entry.routes}` }]);
}

export function removeFromRegistry(source: string, folder: string): string {
  const entries = registryEntries(source);
  const entry = entries.find((existing) => existing.folder === folder);
  if (!entry) return source;
  const fromFolder = `from './${folder}/`;
  const lines = source.split('\n').filter((line) => !(line.startsWith('import ') && line.includes(fromFolder)));
  return withEntries(
    lines.join('\n'),
    entries.filter((existing) => existing !== entry),
  );
}
