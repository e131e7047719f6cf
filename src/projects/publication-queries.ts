// The statements of publication and of the public read model. Each is ONE statement. Those that
// change what /p/{slug} shows lock the project row first and then take a new public_version, so
// a later state always has a greater version (src/projects/public-page.ts relies on it).
//
// Reads for the read model go past Hyperdrive's query cache: Hyperdrive caches read-only queries
// (60 s + 15 s stale-while-revalidate by default), but never one that calls a volatile function,
// and every read here selects clock_timestamp() (volatile) as the time of the read. Without it a
// miss could copy a row up to 75 s old into KV, after the change that replaced it.
import { type SQL, sql } from 'drizzle-orm';
import { type Database, executeRows } from '../../db/client.ts';
import { organizations, projectAssets, projects, users } from '../../db/schema.ts';
import type { Owner } from '../auth/caller.ts';
import { sqlState } from '../lib/db-errors.ts';
import { ownedBy } from '../lib/owned-resource.ts';
import type { PageRow, StoredAsset } from './public-page.ts';
import { NEXT_PUBLIC_VERSION, PROJECTS } from './queries.ts';

/** A timestamp as the API writes it (`toISOString()`), the same text on both drivers. */
export const isoText = (timestamp: SQL) =>
  sql`to_char(${timestamp} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * `p` (a projects row) is owned by a user or organization that is not deleted. Scalar subqueries,
 * one primary-key lookup each: an EXISTS would let the planner hash the whole owner table when
 * the repair asks about a thousand slugs at once.
 */
const OWNER_IS_LIVE = sql`coalesce(case when p.organization_id is not null
    then (select o.deleted_at is null from ${organizations} o where o.id = p.organization_id)
    else (select u.deleted_at is null from ${users} u where u.id = p.user_id) end, false)`;

/** The columns of a PageRow, read from `p`, plus the volatile read time (see the header). */
const PAGE_COLUMNS = sql`p.public_slug as slug, p.name, p.description,
  ${isoText(sql`p.published_at`)} as published_at, ${isoText(sql`p.updated_at`)} as updated_at,
  p.public_version::text as version,
  coalesce((
    select json_agg(json_build_object('name', a.name, 'contentType', a.content_type, 'size', a.size_bytes,
      'sha256', a.sha256, 'key', a.object_key) order by a.name)
    from ${projectAssets} a where a.project_id = p.id
  ), '[]'::json) as assets,
  ${isoText(sql`clock_timestamp()`)} as read_at`;

type RawPage = {
  slug: string;
  name: string;
  description: string | null;
  published_at: string;
  updated_at: string;
  version: string;
  assets: StoredAsset[] | string;
  read_at: string;
};

function pageRow(raw: RawPage): PageRow {
  return {
    slug: raw.slug,
    name: raw.name,
    description: raw.description,
    publishedAt: raw.published_at,
    updatedAt: raw.updated_at,
    version: Number(raw.version),
    assets: typeof raw.assets === 'string' ? JSON.parse(raw.assets) : raw.assets,
    readAt: raw.read_at,
  };
}

/** The public page under `slug`: published, and its owner not deleted. The miss of GET /p/{slug}. */
export async function readPublicPage(db: Database, slug: string): Promise<PageRow | undefined> {
  const [row] = await executeRows<RawPage>(db, readPublicPageStatement(slug));
  return row && pageRow(row);
}

export const readPublicPageStatement = (slug: string) =>
  sql`select ${PAGE_COLUMNS} from ${projects} p where p.public_slug = ${slug} and ${OWNER_IS_LIVE}`;

export interface SlugHolder {
  projectId: string;
  ownerIsLive: boolean;
  page: PageRow;
}

/** The projects holding `slugs` (lower-case slugs only), for the repair: one statement per batch. */
export async function slugHolders(db: Database, slugs: string[]): Promise<Map<string, SlugHolder>> {
  if (slugs.length === 0) return new Map();
  const rows = await executeRows<RawPage & { id: string; owner_is_live: boolean }>(
    db,
    // Slugs hold only [a-z0-9-], so a comma-joined list is unambiguous (and one parameter).
    sql`select p.id, ${OWNER_IS_LIVE} as owner_is_live, ${PAGE_COLUMNS} from ${projects} p
        where p.public_slug = any(string_to_array(${slugs.join(',')}, ','))`,
  );
  return new Map(
    rows.map((row) => [row.slug, { projectId: row.id, ownerIsLive: row.owner_is_live, page: pageRow(row) }]),
  );
}

export type PublishOutcome =
  | { kind: 'not-found' }
  | { kind: 'taken' }
  | { kind: 'published'; publishedAt: string; version: number; previousSlug: string | null };

/**
 * Publishes the owner's project under `slug`, or moves it there. A slug another project holds is
 * `taken` (409); so is one whose holder is still committing (the unique index decides).
 */
export async function publishProject(db: Database, owner: Owner, id: string, slug: string): Promise<PublishOutcome> {
  try {
    const [row] = await executeRows<{
      found: boolean;
      published_at: string | null;
      version: string | null;
      previous_slug: string | null;
    }>(
      db,
      sql`with target as (
            select id, public_slug from ${projects} where ${projects.id} = ${id} and ${ownedBy(PROJECTS, owner)} for update
          ),
          published as (
            update ${projects} p set public_slug = ${slug},
              published_at = case when p.public_slug = ${slug} then p.published_at else now() end,
              public_version = ${NEXT_PUBLIC_VERSION}
            from target
            where p.id = target.id
              and not exists (select from ${projects} other where other.public_slug = ${slug} and other.id <> target.id)
            returning ${isoText(sql`p.published_at`)} as published_at, p.public_version::text as version,
              target.public_slug as previous_slug
          )
          select exists (select from target) as found, published.* from (select) as one left join published on true`,
    );
    if (!row?.found) return { kind: 'not-found' };
    if (row.version === null || row.published_at === null) return { kind: 'taken' };
    return {
      kind: 'published',
      publishedAt: row.published_at,
      version: Number(row.version),
      previousSlug: row.previous_slug,
    };
  } catch (error) {
    if (sqlState(error) === '23505') return { kind: 'taken' };
    throw error;
  }
}

export type UnpublishOutcome =
  | { kind: 'not-found' }
  | { kind: 'unpublished'; previous: { slug: string; version: number } | null };

/** Unpublishes the owner's project; `previous` is null when it was not published. */
export async function unpublishProject(db: Database, owner: Owner, id: string): Promise<UnpublishOutcome> {
  const [row] = await executeRows<{ found: boolean; slug: string | null; version: string | null }>(
    db,
    sql`with target as (
          select id, public_slug from ${projects} where ${projects.id} = ${id} and ${ownedBy(PROJECTS, owner)} for update
        ),
        unpublished as (
          update ${projects} p set public_slug = null, published_at = null, public_version = ${NEXT_PUBLIC_VERSION}
          from target where p.id = target.id and target.public_slug is not null
          returning target.public_slug as slug, p.public_version::text as version
        )
        select exists (select from target) as found, unpublished.* from (select) as one left join unpublished on true`,
  );
  if (!row?.found) return { kind: 'not-found' };
  return {
    kind: 'unpublished',
    previous: row.slug && row.version ? { slug: row.slug, version: Number(row.version) } : null,
  };
}

/**
 * Unpublishes those of `ids` whose owner is deleted (the Clerk sync tombstones owners and never
 * touches their projects): the repair's way of taking their pages down and freeing their slugs.
 */
export async function unpublishAbandoned(db: Database, ids: string[]): Promise<{ slug: string; version: number }[]> {
  if (ids.length === 0) return [];
  const rows = await executeRows<{ slug: string; version: string }>(
    db,
    sql`with target as (
          select id, public_slug from ${projects} p
          where p.id = any(string_to_array(${ids.join(',')}, ',')::uuid[]) and p.public_slug is not null
            and not ${OWNER_IS_LIVE}
          for update
        )
        update ${projects} p set public_slug = null, published_at = null, public_version = ${NEXT_PUBLIC_VERSION}
        from target where p.id = target.id
        returning target.public_slug as slug, p.public_version::text as version`,
  );
  return rows.map((row) => ({ slug: row.slug, version: Number(row.version) }));
}
