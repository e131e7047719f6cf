// The scheduled work of the publishing feature (run by src/scheduled.ts through src/resources.ts).
// Both parts are bounded per run and resume where the last run stopped (cursors kept in KV).
//
// repairPages: KV from Postgres. Lists the page entries (their versions are KV metadata, so no
//   value is read) and reads the truth for each listed slug, one statement per batch:
//   - published, owner live, newer than the entry: the page is written (content of that version);
//   - published by a deleted owner: unpublished in Postgres (the Clerk sync only tombstones the
//     owner) and tombstoned, so owner deletion reaches KV here;
//   - published nowhere while the entry shows a page or a marker: tombstoned with the entry's
//     version + 1, which is newer than the entry and older than any later publication of the slug
//     (its version comes from the sequence, already past the unpublish that freed the slug).
// sweepAssets: R2 and Postgres side by side, in key order. An object older than the grace period
//   without a row (an upload whose statement failed, a deletion that did not reach R2) is deleted;
//   a row whose object is missing is deleted and its page marked changed.
import type { Database } from '../../db/client.ts';
import type { Bindings } from '../config.ts';
import { assetKeysAfter, deleteAssetRows } from './asset-queries.ts';
import { ASSET_KEY_PREFIX, deleteObjects, uploadStartedAt } from './assets.ts';
import {
  type EntryMetadata,
  PAGE_KEY_PREFIX,
  publishedEntry,
  recordChange,
  recordUnpublished,
  repairPage,
  type WriteOutcome,
} from './public-page.ts';
import { type SlugHolder, slugHolders, unpublishAbandoned } from './publication-queries.ts';

const REPAIR_CURSOR_KEY = 'projects/cursors/page-repair';
const SWEEP_CURSOR_KEY = 'projects/cursors/asset-sweep';

export interface MaintenanceLimits {
  /** Keys per batch: KV lists and R2 lists return at most 1,000. */
  batchSize: number;
  /** Batches per run and part. */
  maxBatches: number;
  /** Objects and rows younger than this are left alone: their upload may still be in flight. */
  graceMs: number;
}

/** Per run of the Cron Trigger (every 30 minutes): 5,000 page keys and 5,000 asset keys. */
export const CRON_LIMITS: MaintenanceLimits = { batchSize: 1_000, maxBatches: 5, graceMs: 60 * 60 * 1_000 };

export interface RepairReport {
  checked: number;
  written: number;
  unpublished: number;
  tombstoned: number;
  /** True when the run reached the end of the listing (the next run starts from the beginning). */
  complete: boolean;
}

export async function repairPages(db: Database, env: Bindings, limits = CRON_LIMITS): Promise<RepairReport> {
  const kv = env.PROJECT_PAGES;
  const report: RepairReport = { checked: 0, written: 0, unpublished: 0, tombstoned: 0, complete: false };
  let cursor = (await kv.get(REPAIR_CURSOR_KEY)) ?? undefined;
  for (let batch = 0; batch < limits.maxBatches && !report.complete; batch += 1) {
    const listed = await kv.list<EntryMetadata>({ prefix: PAGE_KEY_PREFIX, limit: limits.batchSize, cursor });
    const entries = listed.keys.flatMap((key) =>
      key.metadata ? [{ slug: key.name.slice(PAGE_KEY_PREFIX.length), stored: key.metadata }] : [],
    );
    const holders = await slugHolders(db, entries.map((entry) => entry.slug).filter(isSlug));
    const abandoned = entries.flatMap(({ slug }) => {
      const holder = holders.get(slug);
      return holder && !holder.ownerIsLive ? [holder.projectId] : [];
    });
    const unpublished = new Map((await unpublishAbandoned(db, abandoned)).map((row) => [row.slug, row.version]));
    for (const { slug, stored } of entries) {
      report.checked += 1;
      const done = await repairEntry(kv, slug, stored, holders.get(slug), unpublished.get(slug));
      if (done) report[done] += 1;
    }
    cursor = listed.list_complete ? undefined : listed.cursor;
    report.complete = listed.list_complete;
  }
  if (cursor) await kv.put(REPAIR_CURSOR_KEY, cursor);
  else await kv.delete(REPAIR_CURSOR_KEY);
  return report;
}

const isSlug = (value: string) => /^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(value);

/** Brings one entry in line with Postgres; says which count it adds to, if it wrote anything. */
async function repairEntry(
  kv: KVNamespace,
  slug: string,
  stored: EntryMetadata,
  holder: SlugHolder | undefined,
  takenDownAt: number | undefined,
): Promise<'written' | 'unpublished' | 'tombstoned' | null> {
  const wrote = (outcome: WriteOutcome) => outcome === 'written';
  if (takenDownAt !== undefined) {
    return wrote(await recordUnpublished(kv, slug, takenDownAt)) ? 'unpublished' : null;
  }
  if (holder?.ownerIsLive) {
    const behind = holder.page.version > stored.version || stored.state !== 'published';
    return behind && wrote(await repairPage(kv, publishedEntry(holder.page))) ? 'written' : null;
  }
  if (!holder && stored.state !== 'unpublished') {
    return wrote(await recordUnpublished(kv, slug, stored.version + 1)) ? 'tombstoned' : null;
  }
  return null;
}

export interface SweepReport {
  objectsDeleted: number;
  rowsDeleted: number;
  /** True when the walk reached the end of the keys (the next run starts from the beginning). */
  complete: boolean;
}

export interface SweepOptions {
  limits?: MaintenanceLimits;
  now?: number;
  /**
   * Only the keys in (after, through], instead of resuming the walk where the last run stopped.
   * For tests: both drivers' test runs share one database, and each sweeps only its own keys.
   */
  range?: { after: string; through: string };
}

/**
 * Walks the asset keys of R2 and of Postgres together, one window of at most `batchSize` keys of
 * each per batch: a window ends where the shorter of the listings that have more ends, so both
 * sides of every key inside it are known.
 */
export async function sweepAssets(db: Database, env: Bindings, options: SweepOptions = {}): Promise<SweepReport> {
  const { limits = CRON_LIMITS, now = Date.now(), range } = options;
  const bucket = env.PROJECT_ASSETS;
  const kv = env.PROJECT_PAGES;
  const report: SweepReport = { objectsDeleted: 0, rowsDeleted: 0, complete: false };
  let after = range?.after ?? (await kv.get(SWEEP_CURSOR_KEY)) ?? ASSET_KEY_PREFIX;
  for (let batch = 0; batch < limits.maxBatches && !report.complete; batch += 1) {
    const listed = await bucket.list({ prefix: ASSET_KEY_PREFIX, startAfter: after, limit: limits.batchSize });
    const rows = await assetKeysAfter(db, after, limits.batchSize);
    const ends = [
      ...(listed.truncated ? [listed.objects.at(-1)!.key] : []),
      ...(rows.length === limits.batchSize ? [rows.at(-1)!] : []),
      ...(range ? [range.through] : []),
    ];
    const end = ends.sort()[0];
    const within = (key: string) => end === undefined || key <= end;
    const objects = listed.objects.filter((object) => within(object.key));
    const rowKeys = new Set(rows.filter(within));
    const objectKeys = new Set(objects.map((object) => object.key));

    const orphanObjects = objects
      .filter((object) => !rowKeys.has(object.key) && now - object.uploaded.getTime() > limits.graceMs)
      .map((object) => object.key);
    await deleteObjects(bucket, orphanObjects);
    report.objectsDeleted += orphanObjects.length;

    const orphanRows = [...rowKeys].filter(
      (key) => !objectKeys.has(key) && now - uploadStartedAt(key) > limits.graceMs,
    );
    const removed = await deleteAssetRows(db, orphanRows);
    for (const change of removed.changes) {
      if (change.slug) await recordChange(kv, change.slug, change.version);
    }
    report.rowsDeleted += removed.deleted;

    report.complete = end === undefined || end === range?.through;
    after = end ?? ASSET_KEY_PREFIX;
  }
  if (range) return report;
  if (report.complete) await kv.delete(SWEEP_CURSOR_KEY);
  else await kv.put(SWEEP_CURSOR_KEY, after);
  return report;
}

/** The Cron Trigger's part for projects (src/resources.ts). */
export async function projectMaintenance(db: Database, env: Bindings) {
  return { pages: await repairPages(db, env), assets: await sweepAssets(db, env) };
}
