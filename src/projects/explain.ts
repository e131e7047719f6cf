// The projects part of `npm run db:explain` (scripts/db-explain/): 200k projects at scale 1 over
// the seeded users and organizations, and the request paths of /v1/projects, run through the
// resource's own statements.
import { uuidv7 } from 'uuidv7';
import { atScale, type ResourceExplain, sampleRow } from '../../scripts/db-explain/paths.ts';
import type { Owner } from '../auth/caller.ts';
import { DEFAULT_MAX_ROWS_PER_OWNER } from '../config.ts';
import { findProject, insertProject, listProjects } from './queries.ts';

interface Samples {
  /** The organization with the most projects, and a project in the middle of its list. */
  clerkOrgId: string;
  orgCursor: string;
  /** The user with the most personal projects, and a project in the middle of that list. */
  personalClerkUserId: string;
  personalCursor: string;
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
    return {
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
  ],
};
