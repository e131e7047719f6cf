// The statements of /v1/projects: the shared owned-resource statements (src/lib/owned-resource.ts)
// with this resource's table and projection. Each is ONE SQL statement, so one round trip.
import type { Database } from '../../db/client.ts';
import { projects } from '../../db/schema.ts';
import type { Owner } from '../auth/caller.ts';
import {
  deleteOwned,
  findOwned,
  insertOwned,
  listOwned,
  type NewOwnedRow,
  type OwnedResource,
  updateOwned,
} from '../lib/owned-resource.ts';

export const PROJECTS: OwnedResource<typeof projects> = { table: projects, ownedBy: 'both', singular: 'project' };

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

export const updateProject = (
  db: Database,
  owner: Owner,
  id: string,
  changes: { name?: string | undefined; description?: string | null | undefined },
  versions: number[] | 'any',
) => updateOwned(db, PROJECTS, projectColumns, owner, id, changes, versions);

export const deleteProject = (db: Database, owner: Owner, id: string) => deleteOwned(db, PROJECTS, owner, id);
