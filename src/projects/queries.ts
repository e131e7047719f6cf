// The statements of /v1/projects: the shared owned-resource statements (src/lib/owned-resource.ts)
// with this resource's table and projection. Each is ONE SQL statement, so one round trip.
import { sql } from 'drizzle-orm';
import { type Database, executeRows } from '../../db/client.ts';
import { projectAssets, projectPublicVersions, projects } from '../../db/schema.ts';
import type { Owner } from '../auth/caller.ts';
import {
  findOwned,
  insertOwned,
  listOwned,
  type NewOwnedRow,
  type OwnedResource,
  ownedBy,
  updateOwned,
} from '../lib/owned-resource.ts';

export const PROJECTS: OwnedResource<typeof projects> = { table: projects, ownedBy: 'both', singular: 'project' };

/** A new projects.public_version (src/projects/public-page.ts); take it only once the row is locked. */
export const NEXT_PUBLIC_VERSION = sql.raw(`nextval('${projectPublicVersions.seqName}')`);

/** The columns a project response is built from, plus `version` for the ETag. */
const projectColumns = {
  id: projects.id,
  name: projects.name,
  description: projects.description,
  version: projects.version,
  createdAt: projects.createdAt,
  updatedAt: projects.updatedAt,
};

export const findProject = (db: Database, owner: Owner, id: string) =>
  findOwned(db, PROJECTS, projectColumns, owner, id);

export const listProjects = (db: Database, owner: Owner, page: { limit: number; before: string | undefined }) =>
  listOwned(db, PROJECTS, projectColumns, owner, page);

export const insertProject = (db: Database, row: NewOwnedRow) => insertOwned(db, PROJECTS, row);

/**
 * Also takes a new public_version (the UPDATE has locked the row when it computes it): the name and
 * description are on the public page, and the route tells KV when the project is published.
 */
export const updateProject = (
  db: Database,
  owner: Owner,
  id: string,
  changes: { name?: string | undefined; description?: string | null | undefined },
  versions: number[] | 'any',
) =>
  updateOwned(
    db,
    PROJECTS,
    { ...projectColumns, publicSlug: projects.publicSlug, publicVersion: projects.publicVersion },
    owner,
    id,
    { ...changes, publicVersion: NEXT_PUBLIC_VERSION },
    versions,
  );

export interface DeletedProject {
  /** The slug it was published under, and the version its tombstone takes; null if unpublished. */
  published: { slug: string; version: number } | null;
  /** Its assets' R2 objects, for the route to delete once the rows are gone. */
  objectKeys: string[];
}

/**
 * Deletes a visible project (its asset rows cascade) and returns what lives outside Postgres:
 * the KV page and the R2 objects. The row is locked first, so the slug is the latest one.
 */
export async function deleteProject(db: Database, owner: Owner, id: string): Promise<DeletedProject | undefined> {
  const [row] = await executeRows<{ slug: string | null; version: string | null; object_keys: string[] | string }>(
    db,
    sql`with target as (
          select id, public_slug from ${projects} where ${projects.id} = ${id} and ${ownedBy(PROJECTS, owner)} for update
        ),
        gone as (delete from ${projects} p using target where p.id = target.id returning p.id)
        select target.public_slug as slug,
          case when target.public_slug is not null then ${NEXT_PUBLIC_VERSION}::text end as version,
          coalesce((select json_agg(a.object_key) from ${projectAssets} a where a.project_id = target.id), '[]'::json)
            as object_keys
        from target join gone on gone.id = target.id`,
  );
  if (!row) return undefined;
  return {
    published: row.slug && row.version ? { slug: row.slug, version: Number(row.version) } : null,
    objectKeys: typeof row.object_keys === 'string' ? JSON.parse(row.object_keys) : row.object_keys,
  };
}
