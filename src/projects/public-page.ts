// The public read model of published projects: GET /p/{slug} reads KV, Postgres stays the truth.
// KV is edge-local and eventually consistent (a write reaches other locations within about 60 s)
// and has no compare-and-set, so every entry carries the version of the Postgres state it shows
// (projects.public_version: every statement that changes what /p/{slug} shows takes a new one from
// one sequence, after locking the row) and these rules keep the copy honest (README, "Edge"):
//
// - A change writes, after its commit, a `changed` marker (or an `unpublished` tombstone) with its
//   version. A reader that meets a marker reads Postgres, as on a miss; a tombstone is a 404.
// - Only a read of Postgres writes page content: a miss (`fill`) or the scheduled repair.
// - Every writer reads the entry first and never replaces one with a greater version; page content
//   of version v also replaces a marker of version v, the marker it answers.
// - So a fill that read Postgres before an unpublish committed can never replace the tombstone it
//   finds, and a fill that completes more than FILL_DEADLINE_MS after its read is dropped.
// - What the check cannot see (a write in another location not yet visible here, or one landing
//   between the check and the put) is left to the repair (src/projects/maintenance.ts), which
//   compares every entry with Postgres each run, and to the expirations below.
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { afterResponse } from '../lib/after-response.ts';
import type { AppEnv } from '../types.ts';
import { readPublicPage } from './publication-queries.ts';
import type { PublicPage } from './schemas.ts';

export const PAGE_KEY_PREFIX = 'projects/pages/';
export const pageKey = (slug: string) => `${PAGE_KEY_PREFIX}${slug}`;

/** Page content expires after a day: whatever went wrong, Postgres is read again by then. */
export const PAGE_TTL_SECONDS = 86_400;
/** Markers and tombstones only need to outlive the writes racing them (and save a 404 its read). */
export const MARKER_TTL_SECONDS = 3_600;
/** A fill whose Postgres read is older than this is dropped instead of written. */
export const FILL_DEADLINE_MS = 10_000;
/** How long clients and shared caches may reuse a page (adds to the staleness bound). */
export const PAGE_CACHE_CONTROL = 'public, max-age=60';

const storedAsset = z.object({
  name: z.string(),
  contentType: z.string(),
  size: z.number(),
  sha256: z.string(),
  /** The R2 key: internal, never served. */
  key: z.string(),
});

const storedPage = z.object({
  slug: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  publishedAt: z.string(),
  updatedAt: z.string(),
  assets: z.array(storedAsset),
});

export type StoredAsset = z.infer<typeof storedAsset>;
export type StoredPage = z.infer<typeof storedPage>;

const entrySchema = z.discriminatedUnion('state', [
  z.object({
    format: z.literal(1),
    version: z.number(),
    state: z.literal('published'),
    page: storedPage,
    /** When Postgres produced this state. */
    readAt: z.string(),
  }),
  z.object({ format: z.literal(1), version: z.number(), state: z.enum(['changed', 'unpublished']) }),
]);

/** The value under `projects/pages/<slug>`. A new `format` makes older entries misses. */
export type PageEntry = z.infer<typeof entrySchema>;
export type PublishedEntry = Extract<PageEntry, { state: 'published' }>;

/** Kept as KV metadata too, so the repair compares versions from a key listing. */
export interface EntryMetadata {
  version: number;
  state: PageEntry['state'];
}

/** The entry under `slug`, or null when there is none (or one this code cannot read: a miss). */
export async function readEntry(kv: KVNamespace, slug: string): Promise<PageEntry | null> {
  const text = await kv.get(pageKey(slug));
  if (text === null) return null;
  try {
    const parsed = entrySchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * The published page under `slug`: from KV (no database round trip), else, on a miss or behind a
 * marker, from Postgres (one), filling KV after the response. Null when nothing is published there.
 */
export async function loadPage(c: Context<AppEnv>, slug: string): Promise<PublishedEntry | null> {
  const kv = c.env.PROJECT_PAGES;
  const stored = await readEntry(kv, slug);
  if (stored?.state === 'published') return stored;
  if (stored?.state === 'unpublished') return null;
  const readStartedAt = Date.now();
  const row = await readPublicPage(c.var.db, slug);
  if (!row) return null;
  const entry = publishedEntry(row);
  afterResponse(c, 'page fill', () => fillPage(kv, entry, readStartedAt));
  return entry;
}

export type WriteOutcome = 'written' | 'kept-newer' | 'dropped-late';

/** After a change to a published page commits: readers go to Postgres from now on. */
export const recordChange = (kv: KVNamespace, slug: string, version: number) =>
  store(kv, slug, { format: 1, version, state: 'changed' }, MARKER_TTL_SECONDS);

/** After an unpublish, a slug change or a delete commits: a 404 without a database read. */
export const recordUnpublished = (kv: KVNamespace, slug: string, version: number) =>
  store(kv, slug, { format: 1, version, state: 'unpublished' }, MARKER_TTL_SECONDS);

/** A miss: writes what Postgres answered, unless the answer is too old to trust. */
export async function fillPage(kv: KVNamespace, entry: PublishedEntry, readStartedAt: number): Promise<WriteOutcome> {
  if (Date.now() - readStartedAt > FILL_DEADLINE_MS) return 'dropped-late';
  return store(kv, entry.page.slug, entry, PAGE_TTL_SECONDS);
}

/** The scheduled repair: writes what Postgres answered. */
export const repairPage = (kv: KVNamespace, entry: PublishedEntry) =>
  store(kv, entry.page.slug, entry, PAGE_TTL_SECONDS);

/** Does `incoming` replace the entry whose metadata is `stored`? */
export function replaces(incoming: EntryMetadata, stored: EntryMetadata | null): boolean {
  if (!stored) return true;
  if (incoming.version !== stored.version) return incoming.version > stored.version;
  return incoming.state === 'published' && stored.state === 'changed';
}

async function store(kv: KVNamespace, slug: string, entry: PageEntry, ttl: number): Promise<WriteOutcome> {
  const key = pageKey(slug);
  const metadata: EntryMetadata = { version: entry.version, state: entry.state };
  const { metadata: stored } = await kv.getWithMetadata<EntryMetadata>(key);
  if (!replaces(metadata, stored)) return 'kept-newer';
  await kv.put(key, JSON.stringify(entry), { expirationTtl: ttl, metadata });
  return 'written';
}

/** The row a page is read from (src/projects/publication-queries.ts). */
export interface PageRow {
  slug: string;
  name: string;
  description: string | null;
  publishedAt: string;
  updatedAt: string;
  version: number;
  assets: StoredAsset[];
  readAt: string;
}

export function publishedEntry(row: PageRow): PublishedEntry {
  const { version, readAt, ...page } = row;
  return { format: 1, version, state: 'published', page, readAt };
}

/** The public projection of a stored page: internal fields (R2 keys) dropped, links added. */
export function publicPage(page: StoredPage): PublicPage {
  return {
    slug: page.slug,
    name: page.name,
    description: page.description,
    publishedAt: page.publishedAt,
    updatedAt: page.updatedAt,
    assets: page.assets.map((asset) => ({
      name: asset.name,
      contentType: asset.contentType,
      size: asset.size,
      sha256: asset.sha256,
      href: assetHref(page.slug, asset),
    })),
  };
}

/**
 * A content-addressed link: the response under it never changes (src/projects/asset-routes.ts).
 * With the bucket behind a custom domain, link `https://<domain>/${asset.key}` instead (README, "Edge").
 */
export const assetHref = (slug: string, asset: StoredAsset) =>
  `/p/${slug}/assets/${encodeURIComponent(asset.name)}?v=${asset.sha256}`;

/** The page's ETag: its version, unique across every state of every page. */
export const pageEtag = (entry: PublishedEntry) => `"${entry.version}"`;
