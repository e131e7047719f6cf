// src/<name>/explain.ts: the resource's part of `npm run db:explain` (scripts/db-explain/paths.ts):
// its rows at volume, samples from them, and its request paths through its own statements.
import type { ResourceNames } from '../names.ts';

export function explainTs(n: ResourceNames): string {
  const { pascal: P, pascalPlural: PP, plural: table } = n;
  const path = `/v1/${n.plural}`;
  const org = n.owner !== 'user';
  const personal = n.owner !== 'organization';
  const orgSamples = `  /** The organization with the most ${n.words}, and ${n.a} ${n.singularWords} in the middle of its list. */
  clerkOrgId: string;
  orgCursor: string;`;
  const personalSamples = `  /** The user with the most personal ${n.words}, and ${n.a} ${n.singularWords} in the middle of that list. */
  personalClerkUserId: string;
  personalCursor: string;`;
  const seedComment = {
    both: `  // Over a year: 60% owned by an organization, 40% personal, owners picked with a power-law skew
  // (random()^3) so the first owners hold thousands of ${n.words}. pg_temp.uuidv7_at is the core
  // seed's (scripts/db-explain/seed.ts).`,
    user: `  // Over a year, owners picked with a power-law skew (random()^3) so the first users hold
  // thousands of ${n.words}. pg_temp.uuidv7_at is the core seed's (scripts/db-explain/seed.ts).`,
    organization: `  // Over a year, owners picked with a power-law skew (random()^3) so the first organizations hold
  // thousands of ${n.words}. pg_temp.uuidv7_at is the core seed's (scripts/db-explain/seed.ts).`,
  }[n.owner];
  const pickOrg = 'orgs[1 + floor(random() ^ 3 * cardinality(orgs))::int]';
  const pickUser = 'usrs[1 + floor(random() ^ 3 * cardinality(usrs))::int]';
  const seed = {
    both: `      \`with owners as (
         select (select array_agg(id order by id) from organizations) as orgs,
                (select array_agg(id order by id) from users where deleted_at is null) as usrs)
       insert into ${table} (id, organization_id, user_id, name, description, created_at, updated_at)
       select pg_temp.uuidv7_at(t),
         case when personal then null else ${pickOrg} end,
         case when personal then ${pickUser} end,
         '${n.singularTitle} ' || g, case when g % 3 = 0 then 'A ${n.singularWords} description of some length ' || g end, t, t
       from owners, generate_series(1, $1) as g,
         lateral (select now() - interval '365 days' * (1 - g::float8 / $1) as t, g % 5 in (0, 1) as personal) as x\`,`,
    user: `      \`with owners as (select array_agg(id order by id) as usrs from users where deleted_at is null)
       insert into ${table} (id, user_id, name, description, created_at, updated_at)
       select pg_temp.uuidv7_at(t), ${pickUser},
         '${n.singularTitle} ' || g, case when g % 3 = 0 then 'A ${n.singularWords} description of some length ' || g end, t, t
       from owners, generate_series(1, $1) as g,
         lateral (select now() - interval '365 days' * (1 - g::float8 / $1) as t) as x\`,`,
    organization: `      \`with owners as (select array_agg(id order by id) as orgs from organizations)
       insert into ${table} (id, organization_id, name, description, created_at, updated_at)
       select pg_temp.uuidv7_at(t), ${pickOrg},
         '${n.singularTitle} ' || g, case when g % 3 = 0 then 'A ${n.singularWords} description of some length ' || g end, t, t
       from owners, generate_series(1, $1) as g,
         lateral (select now() - interval '365 days' * (1 - g::float8 / $1) as t) as x\`,`,
  }[n.owner];
  const orgSample = `    const heaviest = await sampleRow(
      client,
      \`select o.clerk_org_id, p.id as cursor from organizations o
         join lateral (select count(*) as n from ${table} where organization_id = o.id) c on true
         join lateral (select id from ${table} where organization_id = o.id order by id desc offset c.n / 2 limit 1) p on true
       order by c.n desc limit 1\`,
    );`;
  const personalSample = `    const personalOwner = await sampleRow(
      client,
      \`select u.clerk_user_id, p.id as cursor from users u
         join lateral (select count(*) as n from ${table} where user_id = u.id) c on true
         join lateral (select id from ${table} where user_id = u.id order by id desc offset c.n / 2 limit 1) p on true
       where u.id in (select user_id from ${table} where user_id is not null group by user_id order by count(*) desc limit 1)\`,
    );`;
  const samples = [
    ...(org ? ['      clerkOrgId: heaviest.clerk_org_id!,', '      orgCursor: heaviest.cursor!,'] : []),
    ...(personal
      ? ['      personalClerkUserId: personalOwner.clerk_user_id!,', '      personalCursor: personalOwner.cursor!,']
      : []),
  ].join('\n');
  const owner = org ? 'org' : 'personal';
  const cursor = org ? 'orgCursor' : 'personalCursor';
  const ownerIndex = `${table}_${org ? 'organization' : 'user'}_id_id_idx`;
  const orgPaths = `    {
      name: '${n.words} first page, organization',
      source: 'list${PP}, GET ${path}',
      run: (db, { own }) => list${PP}(db, org(own), PAGE),
      indexes: ['${table}_organization_id_id_idx'],
    },
    {
      name: '${n.words} next page, organization',
      source: 'list${PP}, GET ${path}?cursor=',
      run: (db, { own }) => list${PP}(db, org(own), { ...PAGE, before: own.orgCursor }),
      indexes: ['${table}_organization_id_id_idx'],
    },`;
  const personalFirstPage = `    {
      name: '${n.words} first page, personal',
      source: 'list${PP}, GET ${path}',
      run: (db, { own }) => list${PP}(db, personal(own), PAGE),
      indexes: ['${table}_user_id_id_idx'],
    },`;
  const personalNextPage = `    {
      name: '${n.words} next page, personal',
      source: 'list${PP}, GET ${path}?cursor=',
      run: (db, { own }) => list${PP}(db, personal(own), { ...PAGE, before: own.personalCursor }),
      indexes: ['${table}_user_id_id_idx'],
    },`;
  const listPaths = {
    both: `${orgPaths}\n${personalNextPage}`,
    user: `${personalFirstPage}\n${personalNextPage}`,
    organization: orgPaths,
  }[n.owner];
  return `// The ${n.words} part of \`npm run db:explain\` (scripts/db-explain/): 200k ${n.words} at scale 1 over
// the seeded users and organizations, and the request paths of ${path}, run through the
// resource's own statements.
import { uuidv7 } from 'uuidv7';
import { atScale, type ResourceExplain, sampleRow } from '../../scripts/db-explain/paths.ts';
import type { Owner } from '../auth/caller.ts';
import { DEFAULT_MAX_ROWS_PER_OWNER } from '../config.ts';
import { find${P}, insert${P}, list${PP} } from './queries.ts';

interface Samples {
${[org ? orgSamples : '', personal ? personalSamples : ''].filter(Boolean).join('\n')}
}

const PAGE = { limit: 50, before: undefined };
${org ? "const org = (s: Samples): Owner => ({ kind: 'organization', clerkOrgId: s.clerkOrgId });\n" : ''}${personal ? "const personal = (s: Samples): Owner => ({ kind: 'user', clerkUserId: s.personalClerkUserId });\n" : ''}
export const explain: ResourceExplain<Samples> = {
${seedComment}
  seed: async (client, scale) => {
    await client.query(
${seed}
      [atScale(200_000, scale)],
    );
  },
  samples: async (client) => {
${[org ? orgSample : '', personal ? personalSample : ''].filter(Boolean).join('\n')}
    return {
${samples}
    };
  },
  paths: [
${listPaths}
    {
      name: '${n.singularWords} by id and owner',
      source: 'find${P}, GET ${path}/:id',
      run: (db, { own }) => find${P}(db, ${owner}(own), own.${cursor}),
      indexes: ['${table}_pkey', '${ownerIndex}'],
    },
    {
      name: '${n.singularWords} create with a used Idempotency-Key',
      source: 'insert${P}, POST ${path}',
      run: (db, { core, own }) => {
        const id = uuidv7();
        return insert${P}(db, {
          owner: ${owner}(own),
          placeholderOwnerId: uuidv7(),
          values: { id, name: 'Retried ${n.singularWords}', description: null, createdAt: new Date(), updatedAt: new Date() },
          idempotency: { keyHash: core.idempotencyKeyHash, requestHash: 'request', response: \`{"id":"\${id}"}\` },
          maxRowsPerOwner: DEFAULT_MAX_ROWS_PER_OWNER,
        });
      },
      indexes: ['idempotency_keys_key_hash_key'],
    },
    {
      // The quota count reads the owner's index, at most the quota's worth of entries.
      name: '${n.singularWords} create, ${org ? 'organization' : 'user'} with the most ${n.words}',
      source: 'insert${P}, POST ${path}',
      run: (db, { own }) =>
        insert${P}(db, {
          owner: ${owner}(own),
          placeholderOwnerId: uuidv7(),
          values: {
            id: uuidv7(),
            name: 'New ${n.singularWords}',
            description: null,
            createdAt: new Date(),
            updatedAt: new Date(),
          },
          idempotency: null,
          maxRowsPerOwner: DEFAULT_MAX_ROWS_PER_OWNER,
        }),
      indexes: ['${ownerIndex}'],
    },
  ],
};
`;
}
