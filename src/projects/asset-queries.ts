// The statements of project assets: the metadata rows of the objects in R2 (src/projects/assets.ts).
// Each is ONE statement, scoped to the owner like every project statement, and takes a new
// public_version for the project after locking its row: the asset list is on the public page.
import { sql } from 'drizzle-orm';
import { type Database, executeRows } from '../../db/client.ts';
import { projectAssets, projects } from '../../db/schema.ts';
import type { Owner } from '../auth/caller.ts';
import { ownedBy } from '../lib/owned-resource.ts';
import { isoText } from './publication-queries.ts';
import { NEXT_PUBLIC_VERSION, PROJECTS } from './queries.ts';

export interface NewAsset {
  id: string;
  name: string;
  objectKey: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
}

/** The project's slug and new public_version after an asset change; slug null when unpublished. */
export interface PageChange {
  slug: string | null;
  version: number;
}

export type StoreAssetOutcome =
  | { kind: 'not-found' }
  | { kind: 'stored'; uploadedAt: string; replacedKey: string | null; change: PageChange };

/**
 * Stores an uploaded object's metadata under its name in the owner's project, replacing the row of
 * an earlier upload of that name (`replacedKey`: its object, to delete once this commits).
 */
export async function storeAsset(
  db: Database,
  owner: Owner,
  projectId: string,
  asset: NewAsset,
): Promise<StoreAssetOutcome> {
  const [row] = await executeRows<{
    uploaded_at: string | null;
    replaced_key: string | null;
    slug: string | null;
    version: string | null;
  }>(
    db,
    sql`with target as (
          select id from ${projects} where ${projects.id} = ${projectId} and ${ownedBy(PROJECTS, owner)} for update
        ),
        replaced as (select object_key from ${projectAssets} where project_id = ${projectId} and name = ${asset.name}),
        stored as (
          insert into ${projectAssets} (id, project_id, name, object_key, content_type, size_bytes, sha256)
          select ${asset.id}, target.id, ${asset.name}, ${asset.objectKey}, ${asset.contentType}, ${asset.sizeBytes},
            ${asset.sha256}
          from target
          on conflict (project_id, name) do update set object_key = excluded.object_key,
            content_type = excluded.content_type, size_bytes = excluded.size_bytes, sha256 = excluded.sha256,
            uploaded_at = now()
          returning uploaded_at
        ),
        bumped as (
          update ${projects} p set public_version = ${NEXT_PUBLIC_VERSION}
          from target where p.id = target.id and exists (select from stored)
          returning p.public_slug as slug, p.public_version::text as version
        )
        select ${isoText(sql`(select uploaded_at from stored)`)} as uploaded_at,
          (select object_key from replaced) as replaced_key, bumped.*
        from (select) as one left join bumped on true`,
  );
  if (!row?.uploaded_at || !row.version) return { kind: 'not-found' };
  return {
    kind: 'stored',
    uploadedAt: row.uploaded_at,
    replacedKey: row.replaced_key,
    change: { slug: row.slug, version: Number(row.version) },
  };
}

export type DeleteAssetOutcome =
  | { kind: 'no-project' }
  | { kind: 'no-asset' }
  | { kind: 'deleted'; objectKey: string; change: PageChange };

/** Deletes an asset's row from the owner's project; its object is the caller's to delete next. */
export async function deleteAsset(
  db: Database,
  owner: Owner,
  projectId: string,
  name: string,
): Promise<DeleteAssetOutcome> {
  const [row] = await executeRows<{
    found: boolean;
    object_key: string | null;
    slug: string | null;
    version: string | null;
  }>(
    db,
    sql`with target as (
          select id from ${projects} where ${projects.id} = ${projectId} and ${ownedBy(PROJECTS, owner)} for update
        ),
        gone as (
          delete from ${projectAssets} a using target where a.project_id = target.id and a.name = ${name}
          returning a.object_key
        ),
        bumped as (
          update ${projects} p set public_version = ${NEXT_PUBLIC_VERSION}
          from target where p.id = target.id and exists (select from gone)
          returning p.public_slug as slug, p.public_version::text as version
        )
        select exists (select from target) as found, (select object_key from gone) as object_key, bumped.*
        from (select) as one left join bumped on true`,
  );
  if (!row?.found) return { kind: 'no-project' };
  if (!row.object_key || !row.version) return { kind: 'no-asset' };
  return { kind: 'deleted', objectKey: row.object_key, change: { slug: row.slug, version: Number(row.version) } };
}

/**
 * The object keys of asset rows after `after`, in key order, at most `limit`: the sweep walks them
 * beside the R2 listing (src/projects/maintenance.ts). clock_timestamp() keeps the read out of
 * Hyperdrive's query cache (src/projects/publication-queries.ts).
 */
export async function assetKeysAfter(db: Database, after: string, limit: number): Promise<string[]> {
  const rows = await executeRows<{ object_key: string }>(
    db,
    sql`select object_key, clock_timestamp() as read_at from ${projectAssets}
        where object_key > ${after} order by object_key limit ${limit}`,
  );
  return rows.map((row) => row.object_key);
}

/** Deletes the rows of vanished objects: how many, and the page changes of their projects. */
export async function deleteAssetRows(
  db: Database,
  objectKeys: string[],
): Promise<{ deleted: number; changes: PageChange[] }> {
  if (objectKeys.length === 0) return { deleted: 0, changes: [] };
  const [row] = await executeRows<{ deleted: number; changes: { slug: string | null; version: string }[] | string }>(
    db,
    sql`with gone as (
          delete from ${projectAssets} where object_key = any(string_to_array(${objectKeys.join(',')}, ','))
          returning project_id
        ),
        bumped as (
          update ${projects} p set public_version = ${NEXT_PUBLIC_VERSION}
          where p.id in (select project_id from gone)
          returning p.public_slug as slug, p.public_version::text as version
        )
        select (select count(*) from gone)::int as deleted,
          coalesce((select json_agg(bumped) from bumped), '[]'::json) as changes`,
  );
  const changes = typeof row?.changes === 'string' ? JSON.parse(row.changes) : (row?.changes ?? []);
  return {
    deleted: Number(row?.deleted ?? 0),
    changes: changes.map((change: { slug: string | null; version: string }) => ({
      slug: change.slug,
      version: Number(change.version),
    })),
  };
}
