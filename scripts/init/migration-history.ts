// The migration history of a clone without the example. A clone that was never deployed has no
// database holding the example's tables, so the right history is one that never created them:
// the example's migrations (and their rollbacks) go, the later ones move up (files, snapshots,
// journal), and every remaining drizzle-kit snapshot forgets what the example added (its tables, and
// its sequences, enums, views, ... : any entity a resource's schema may declare), so drizzle-kit
// diffs db/schema.ts against a history without them ("No schema changes"). A database that
// already ran the example's migrations would not match this history: a clone that was deployed
// drops the tables with a contract migration instead (docs/migrations.md, "Expand and contract").
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

interface JournalEntry {
  idx: number;
  version: string;
  when: number;
  tag: string;
  breakpoints: boolean;
}

interface Snapshot {
  id: string;
  prevId: string;
  [collection: string]: unknown;
}

// The collections of database entities in a drizzle-kit (postgresql, version 7) snapshot.
const ENTITY_COLLECTIONS = ['tables', 'enums', 'schemas', 'views', 'sequences', 'roles', 'policies'] as const;
type Collection = (typeof ENTITY_COLLECTIONS)[number];
const entitiesOf = (snapshot: Snapshot, collection: Collection) =>
  (snapshot[collection] ?? {}) as Record<string, unknown>;

const snapshotFile = (folder: string, idx: number) =>
  path.join(folder, 'meta', `${String(idx).padStart(4, '0')}_snapshot.json`);
const readJson = <T>(file: string) => JSON.parse(readFileSync(file, 'utf8')) as T;
// drizzle-kit's own layout, so its next write changes nothing else.
const writeJson = (file: string, value: unknown) => writeFileSync(file, JSON.stringify(value, null, 2));

export interface HistoryRewrite {
  /** Tags of the migrations removed. */
  removed: string[];
  /** Old tag → new tag of the migrations that moved up. */
  renamed: Map<string, string>;
  /** The entities the remaining snapshots no longer hold, e.g. `public.projects (table)`. */
  entities: string[];
}

/** Rewrites `folder` (migrations/) without the migrations whose tag `isExample`; idempotent. */
export function removeExampleMigrations(folder: string, isExample: (tag: string) => boolean): HistoryRewrite {
  const journalFile = path.join(folder, 'meta', '_journal.json');
  const journal = readJson<{ entries: JournalEntry[] }>(journalFile);
  const entries = journal.entries;
  const rewrite: HistoryRewrite = { removed: [], renamed: new Map(), entities: [] };
  if (!entries.some((entry) => isExample(entry.tag))) return rewrite;

  // The example's entities: those its migrations' snapshots add to their predecessors'.
  const snapshotAt = (idx: number) => readJson<Snapshot>(snapshotFile(folder, idx));
  const exampleEntities = new Map<Collection, Set<string>>(ENTITY_COLLECTIONS.map((name) => [name, new Set()]));
  for (const [position, entry] of entries.entries()) {
    if (!isExample(entry.tag)) continue;
    const after = snapshotAt(entry.idx);
    const before = position === 0 ? undefined : snapshotAt(entries[position - 1]!.idx);
    for (const collection of ENTITY_COLLECTIONS) {
      const existed = new Set(before ? Object.keys(entitiesOf(before, collection)) : []);
      for (const name of Object.keys(entitiesOf(after, collection)))
        if (!existed.has(name)) exampleEntities.get(collection)!.add(name);
    }
  }

  const kept: JournalEntry[] = [];
  for (const entry of entries) {
    if (isExample(entry.tag)) {
      for (const file of [`${entry.tag}.sql`, `${entry.tag}.down.sql`])
        rmSync(path.join(folder, file), { force: true });
      rmSync(snapshotFile(folder, entry.idx));
      rewrite.removed.push(entry.tag);
      continue;
    }
    // In journal order every target is free: removed, or moved up already.
    const idx = kept.length;
    const tag = `${String(idx).padStart(4, '0')}${entry.tag.slice(4)}`;
    if (tag !== entry.tag) {
      for (const suffix of ['.sql', '.down.sql']) {
        const from = path.join(folder, `${entry.tag}${suffix}`);
        if (existsSync(from)) renameSync(from, path.join(folder, `${tag}${suffix}`));
      }
      renameSync(snapshotFile(folder, entry.idx), snapshotFile(folder, idx));
      rewrite.renamed.set(entry.tag, tag);
    }
    kept.push({ ...entry, idx, tag });
  }

  let previousId: string | undefined;
  for (const entry of kept) {
    const file = snapshotFile(folder, entry.idx);
    const snapshot = readJson<Snapshot>(file);
    for (const [collection, names] of exampleEntities)
      for (const name of names) delete entitiesOf(snapshot, collection)[name];
    if (previousId !== undefined) snapshot.prevId = previousId;
    previousId = snapshot.id;
    writeJson(file, snapshot);
  }
  writeJson(journalFile, { ...journal, entries: kept });
  rewrite.entities = [...exampleEntities].flatMap(([collection, names]) =>
    [...names].map((name) => `${name.replace(/^public\./, '')} (${collection.replace(/s$/, '')})`),
  );
  return rewrite;
}

/** `text` with every old tag of `renamed` replaced by its new one. */
export function withRenamedTags(text: string, renamed: Map<string, string>): string {
  if (renamed.size === 0) return text;
  const tags = new RegExp(`\\b(${[...renamed.keys()].join('|')})\\b`, 'g');
  return text.replace(tags, (tag) => renamed.get(tag)!);
}
