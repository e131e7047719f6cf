// Edits src/resources.ts, the registry of the API's resources, as text: one import and one
// `{ folder, routes }` entry per resource. `npm run new:resource` adds one, `npm run init --
// --without-example` removes one; Biome formats the result.

const REGISTRY = /export const resources = \[([^\]]*)\] as const;/;
const ENTRY = /\{\s*folder:\s*'([^']+)',\s*routes:\s*(\w+)\s*\}/g;

export interface RegistryEntry {
  folder: string;
  routes: string;
}

export function registryEntries(source: string): RegistryEntry[] {
  const list = REGISTRY.exec(source);
  if (!list) throw new Error('src/resources.ts has no `export const resources = [...] as const;`');
  return [...list[1]!.matchAll(ENTRY)].map(([, folder, routes]) => ({ folder: folder!, routes: routes! }));
}

function withEntries(source: string, entries: RegistryEntry[]): string {
  const list = entries.map((entry) => `\n  { folder: '${entry.folder}', routes: ${entry.routes} },`).join('');
  return source.replace(REGISTRY, `export const resources = [${list}${list ? '\n' : ''}] as const;`);
}

const importOf = (entry: RegistryEntry) => `import { ${entry.routes} } from './${entry.folder}/routes.ts';`;

export function addToRegistry(source: string, entry: RegistryEntry): string {
  const entries = registryEntries(source);
  if (entries.some((existing) => existing.folder === entry.folder)) return source;
  const lines = source.split('\n');
  const lastImport = lines.findLastIndex((line) => line.startsWith('import '));
  const firstCode = lines.findIndex((line) => line.startsWith('export const resources'));
  lines.splice(lastImport === -1 ? firstCode : lastImport + 1, 0, importOf(entry));
  return withEntries(lines.join('\n'), [...entries, entry]);
}

export function removeFromRegistry(source: string, folder: string): string {
  const entries = registryEntries(source);
  const entry = entries.find((existing) => existing.folder === folder);
  if (!entry) return source;
  const lines = source.split('\n').filter((line) => line !== importOf(entry));
  return withEntries(
    lines.join('\n'),
    entries.filter((existing) => existing !== entry),
  );
}
