// The projects part of `npm run db:explain` (scripts/db-explain/): 200k projects at scale 1 over
// the seeded users and organizations, a fifth of them published, a quarter of those with four
// assets; the request paths of /v1/projects, its public pages and assets, and the scheduled
// repair and sweep, run through the resource's own statements.
import { uuidv7 } from 'uuidv7';
import { atScale, type ResourceExplain, sampleRow } from '../../scripts/db-explain/paths.ts';
import type { Owner } from '../auth/caller.ts';
import { DEFAULT_MAX_ROWS_PER_OWNER } from '../config.ts';
import { assetKeysAfter, deleteAsset, deleteAssetRows, storeAsset } from './asset-queries.ts';
import { assetKey } from './assets.ts';
import {
  publishProject,
  readPublicPage,
  slugHolders,
  unpublishAbandoned,
  unpublishProject,
} from './publication-queries.ts';
import { deleteProject, findProject, insertProject, listProjects } from './queries.ts';

interface Samples {
  /** The organization with the most projects, and a project in the middle of its list. */
  clerkOrgId: string;
  orgCursor: string;
  /** The user with the most personal projects, and a project in the middle of that list. */
  personalClerkUserId: string;
  personalCursor: string;
  /** A published project of that organization with assets: its id, slug and first asset. */
  publishedId: string;
  publishedSlug: string;
  assetName: string;
  /** 1,000 published slugs: a batch of the repair. */
  repairSlugs: string[];
  /** An asset key in the middle of the key order, and the 500 keys after it. */
  assetKey: string;
  assetKeys: string[];
}

const PAGE = { limit: 50, before: undefined };
const org = (s: Samples): Owner => ({ kind: 'organization', clerkOrgId: s.clerkOrgId });
const personal = (s: Samples): Owner => ({ kind: 'user', clerkUserId: s.personalClerkUserId });

export const explain: ResourceExplain<Samples> = {
  // Over a year: 60% owned by an organization, 40% personal, owners picked with a power-law skew
  // (random()^3) so the first owners hold thousands of projects. pg_temp.uuidv7_at is the core
  // seed's (scripts/db-explain/seed.ts).
  seed: async (client, scale) => {
    await client.query(
      `with owners as (
         select (select array_agg(id order by id) from organizations) as orgs,
                (select array_agg(id order by id) from users where deleted_at is null) as usrs)
       insert into projects (id, organization_id, user_id, name, description, created_at, updated_at)
       select pg_temp.uuidv7_at(t),
         case when personal then null else orgs[1 + floor(random() ^ 3 * cardinality(orgs))::int] end,
         case when personal then usrs[1 + floor(random() ^ 3 * cardinality(usrs))::int] end,
         'Project ' || g, case when g % 3 = 0 then 'A project description of some length ' || g end, t, t
       from owners, generate_series(1, $1) as g,
         lateral (select now() - interval '365 days' * (1 - g::float8 / $1) as t, g % 5 in (0, 1) as personal) as x`,
      [atScale(200_000, scale)],
    );
    await client.query(
      `update projects set public_slug = 'page-' || replace(id::text, '-', ''), published_at = created_at,
         public_version = nextval('projects_public_version_seq')
       where abs(hashtext(id::text)) % 5 = 0`,
    );
    await client.query(
      `insert into project_assets (id, project_id, name, object_key, content_type, size_bytes, sha256, uploaded_at)
       select k.id, k.project_id, 'file-' || k.n || '.png', 'projects/assets/' || k.id, 'image/png', 1000 + k.n,
         encode(sha256(k.id::text::bytea), 'hex'), k.at
       from (
         select pg_temp.uuidv7_at(p.created_at + n * interval '1 second') as id, p.id as project_id, n,
           p.created_at + n * interval '1 second' as at
         from projects p, generate_series(1, 4) as n
         where p.public_slug is not null and abs(hashtext(p.id::text)) % 4 = 0
       ) as k`,
    );
  },
  samples: async (client) => {
    const heaviest = await sampleRow(
      client,
      `select o.clerk_org_id, p.id as cursor from organizations o
         join lateral (select count(*) as n from projects where organization_id = o.id) c on true
         join lateral (select id from projects where organization_id = o.id order by id desc offset c.n / 2 limit 1) p on true
       order by c.n desc limit 1`,
    );
    const personalOwner = await sampleRow(
      client,
      `select u.clerk_user_id, p.id as cursor from users u
         join lateral (select count(*) as n from projects where user_id = u.id) c on true
         join lateral (select id from projects where user_id = u.id order by id desc offset c.n / 2 limit 1) p on true
       where u.id in (select user_id from projects where user_id is not null group by user_id order by count(*) desc limit 1)`,
    );
    const published = await sampleRow(
      client,
      `select p.id, p.public_slug, (select min(name) from project_assets a where a.project_id = p.id) as asset_name
       from projects p
       where p.organization_id = (select id from organizations where clerk_org_id = '${heaviest.clerk_org_id}')
         and p.public_slug is not null and exists (select from project_assets a where a.project_id = p.id)
       limit 1`,
    );
    const { rows: slugs } = await client.query<{ public_slug: string }>(
      `select public_slug from projects where public_slug is not null order by id limit 1000`,
    );
    const { rows: keys } = await client.query<{ object_key: string }>(
      `select object_key from project_assets order by object_key
       offset (select count(*) / 2 from project_assets) limit 501`,
    );
    return {
      publishedId: published.id!,
      publishedSlug: published.public_slug!,
      assetName: published.asset_name!,
      repairSlugs: slugs.map((row) => row.public_slug),
      assetKey: keys[0]!.object_key,
      assetKeys: keys.slice(1).map((row) => row.object_key),
      clerkOrgId: heaviest.clerk_org_id!,
      orgCursor: heaviest.cursor!,
      personalClerkUserId: personalOwner.clerk_user_id!,
      personalCursor: personalOwner.cursor!,
    };
  },
  paths: [
    {
      name: 'projects first page, organization',
      source: 'listProjects, GET /v1/projects',
      run: (db, { own }) => listProjects(db, org(own), PAGE),
      indexes: ['projects_organization_id_id_idx'],
    },
    {
      name: 'projects next page, organization',
      source: 'listProjects, GET /v1/projects?cursor=',
      run: (db, { own }) => listProjects(db, org(own), { ...PAGE, before: own.orgCursor }),
      indexes: ['projects_organization_id_id_idx'],
    },
    {
      name: 'projects next page, personal',
      source: 'listProjects, GET /v1/projects?cursor=',
      run: (db, { own }) => listProjects(db, personal(own), { ...PAGE, before: own.personalCursor }),
      indexes: ['projects_user_id_id_idx'],
    },
    {
      name: 'project by id and owner',
      source: 'findProject, GET /v1/projects/:id',
      run: (db, { own }) => findProject(db, org(own), own.orgCursor),
      indexes: ['projects_pkey', 'projects_organization_id_id_idx'],
    },
    {
      name: 'project create with a used Idempotency-Key',
      source: 'insertProject, POST /v1/projects',
      run: (db, { core, own }) => {
        const id = uuidv7();
        return insertProject(db, {
          owner: org(own),
          placeholderOwnerId: uuidv7(),
          values: { id, name: 'Retried project', description: null, createdAt: new Date(), updatedAt: new Date() },
          idempotency: { keyHash: core.idempotencyKeyHash, requestHash: 'request', response: `{"id":"${id}"}` },
          maxRowsPerOwner: DEFAULT_MAX_ROWS_PER_OWNER,
        });
      },
      indexes: ['idempotency_keys_key_hash_key'],
    },
    {
      // The quota count reads the owner's index, at most the quota's worth of entries.
      name: 'project create, organization with the most projects',
      source: 'insertProject, POST /v1/projects',
      run: (db, { own }) =>
        insertProject(db, {
          owner: org(own),
          placeholderOwnerId: uuidv7(),
          values: {
            id: uuidv7(),
            name: 'New project',
            description: null,
            createdAt: new Date(),
            updatedAt: new Date(),
          },
          idempotency: null,
          maxRowsPerOwner: DEFAULT_MAX_ROWS_PER_OWNER,
        }),
      indexes: ['projects_organization_id_id_idx'],
    },
    {
      name: 'public page by slug (a KV miss)',
      source: 'readPublicPage, GET /p/{slug}',
      run: (db, { own }) => readPublicPage(db, own.publishedSlug),
      indexes: ['projects_public_slug_key'],
    },
    {
      name: 'publish under a free slug',
      source: 'publishProject, PUT /v1/projects/{id}/publication',
      run: (db, { own }) => publishProject(db, org(own), own.orgCursor, `explain-${uuidv7()}`),
      indexes: ['projects_public_slug_key'],
    },
    {
      name: 'unpublish',
      source: 'unpublishProject, DELETE /v1/projects/{id}/publication',
      run: (db, { own }) => unpublishProject(db, org(own), own.publishedId),
      indexes: ['projects_pkey'],
    },
    {
      name: 'project delete with its assets',
      source: 'deleteProject, DELETE /v1/projects/{id}',
      run: (db, { own }) => deleteProject(db, org(own), own.publishedId),
      indexes: ['project_assets_project_id_name_key'],
    },
    {
      name: 'asset upload replacing a name',
      source: 'storeAsset, PUT /v1/projects/{id}/assets/{name}',
      run: (db, { own }) => {
        const id = uuidv7();
        return storeAsset(db, org(own), own.publishedId, {
          id,
          name: own.assetName,
          objectKey: assetKey(id),
          contentType: 'image/png',
          sizeBytes: 1234,
          sha256: 'a'.repeat(64),
        });
      },
      indexes: ['project_assets_project_id_name_key'],
    },
    {
      name: 'asset delete',
      source: 'deleteAsset, DELETE /v1/projects/{id}/assets/{name}',
      run: (db, { own }) => deleteAsset(db, org(own), own.publishedId, own.assetName),
      indexes: ['project_assets_project_id_name_key'],
    },
    {
      name: 'repair batch: the holders of 1,000 slugs',
      source: 'slugHolders, the Cron Trigger',
      run: (db, { own }) => slugHolders(db, own.repairSlugs),
      indexes: ['projects_public_slug_key'],
    },
    {
      name: 'repair: unpublish projects of deleted owners',
      source: 'unpublishAbandoned, the Cron Trigger',
      run: (db, { own }) => unpublishAbandoned(db, [own.publishedId]),
      indexes: ['projects_pkey'],
    },
    {
      name: 'sweep batch: asset keys after a key',
      source: 'assetKeysAfter, the Cron Trigger',
      run: (db, { own }) => assetKeysAfter(db, own.assetKey, 1_000),
      indexes: ['project_assets_object_key_key'],
    },
    {
      name: 'sweep: rows of vanished objects',
      source: 'deleteAssetRows, the Cron Trigger',
      run: (db, { own }) => deleteAssetRows(db, own.assetKeys),
      indexes: ['project_assets_object_key_key'],
    },
  ],
};
