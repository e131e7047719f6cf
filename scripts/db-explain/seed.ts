// Realistic volume for plan checks, generated in bulk inside Postgres (generate_series): no rows
// cross the network, so the default volume takes seconds. Distributions matter more than totals:
// owners are skewed (a few organizations and users own many projects, as in real tenants), ids are
// UUIDv7 in creation order over months, and most ledger rows are old enough to be pruned.
import type pg from 'pg';
import type { Samples } from './queries.ts';

export interface Volume {
  users: number;
  organizations: number;
  memberships: number;
  projects: number;
  webhookEvents: number;
}

export function volumeAt(scale: number): Volume {
  const at = (n: number) => Math.max(100, Math.round(n * scale));
  return {
    users: at(100_000),
    organizations: at(10_000),
    memberships: at(150_000),
    projects: at(200_000),
    webhookEvents: at(500_000),
  };
}

// A UUIDv7 whose 48-bit timestamp is `ts`: the version nibble of a random v4 uuid set to 7.
const UUIDV7_AT = `create function pg_temp.uuidv7_at(ts timestamptz) returns uuid language sql volatile as $$
  select encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid())
    placing substring(int8send(floor(extract(epoch from ts) * 1000)::bigint) from 3) from 1 for 6),
    52, 1), 53, 1), 'hex')::uuid $$`;

export async function seed(client: pg.Client, volume: Volume): Promise<void> {
  await client.query(UUIDV7_AT);
  await client.query('select setseed(0.42)'); // the same skew on every run
  // Users over two years; 2% are tombstones (a delete clears every non-key column).
  await client.query(
    `insert into users (id, clerk_user_id, email, first_name, last_name, image_url, clerk_created_at,
       clerk_updated_at, source_version, source_event_id, deleted_at)
     select pg_temp.uuidv7_at(t), 'user_' || md5('u' || g),
       case when deleted then null else 'user' || g || '@example.com' end,
       case when deleted then null else 'First' || g end, case when deleted then null else 'Last' || g end,
       case when deleted then null else 'https://img.example.com/' || g end,
       case when deleted then null else t end, case when deleted then null else t end,
       extract(epoch from t)::bigint * 1000, 'msg_' || md5('ue' || g), case when deleted then t end
     from generate_series(1, $1) as g,
       lateral (select now() - interval '730 days' * (1 - g::float8 / $1) as t, g % 50 = 0 as deleted) as x`,
    [volume.users],
  );
  await client.query(
    `insert into organizations (id, clerk_org_id, name, slug, clerk_created_at, clerk_updated_at,
       source_version, source_event_id)
     select pg_temp.uuidv7_at(t), 'org_' || md5('o' || g), 'Org ' || g, 'org-' || g, t, t,
       extract(epoch from t)::bigint * 1000, 'msg_' || md5('oe' || g)
     from generate_series(1, $1) as g, lateral (select now() - interval '730 days' * (1 - g::float8 / $1) as t) as x`,
    [volume.organizations],
  );
  // Memberships: every organization has members; users belong to one or two organizations.
  await client.query(
    `with owners as (
       select (select array_agg(id order by id) from organizations) as orgs,
              (select array_agg(id order by id) from users where deleted_at is null) as usrs)
     insert into organization_memberships (id, clerk_membership_id, organization_id, user_id, role,
       clerk_created_at, clerk_updated_at, source_version, source_event_id)
     select pg_temp.uuidv7_at(t), 'orgmem_' || md5('m' || g),
       orgs[1 + (g % cardinality(orgs))], usrs[1 + floor(random() * cardinality(usrs))::int],
       case when g % 10 = 0 then 'org:admin' else 'org:member' end, t, t,
       extract(epoch from t)::bigint * 1000, 'msg_' || md5('me' || g)
     from owners, generate_series(1, $1) as g,
       lateral (select now() - interval '700 days' * (1 - g::float8 / $1) as t) as x`,
    [volume.memberships],
  );
  // Projects over a year: 60% owned by an organization, 40% personal, owners picked with a
  // power-law skew (random()^3) so the first owners hold thousands of projects.
  await client.query(
    `with owners as (
       select (select array_agg(id order by id) from organizations) as orgs,
              (select array_agg(id order by id) from users where deleted_at is null) as usrs)
     insert into projects (id, organization_id, user_id, name, description, created_at, updated_at,
       idempotency_key_hash, idempotency_request_hash, idempotency_response, idempotency_expires_at)
     select pg_temp.uuidv7_at(t),
       case when personal then null else orgs[1 + floor(random() ^ 3 * cardinality(orgs))::int] end,
       case when personal then usrs[1 + floor(random() ^ 3 * cardinality(usrs))::int] end,
       'Project ' || g, case when g % 3 = 0 then 'A project description of some length ' || g end, t, t,
       case when keyed then md5('k' || g) || md5('k2' || g) end, case when keyed then md5('r' || g) end,
       case when keyed then '{"id":"' || g || '"}' end, case when keyed then t + interval '24 hours' end
     from owners, generate_series(1, $1) as g,
       lateral (select now() - interval '365 days' * (1 - g::float8 / $1) as t,
                       g % 5 in (0, 1) as personal, g % 5 = 2 as keyed) as x`,
    [volume.projects],
  );
  // Ledger over 60 days: 97% applied, 1.5% stale, 1% ignored, 0.5% failed; bodies of ~300 bytes.
  await client.query(
    `insert into webhook_events (id, svix_id, event_type, outcome, error, payload, received_at, processed_at)
     select pg_temp.uuidv7_at(t), 'msg_' || md5('w' || g), 'user.updated', outcome,
       case when outcome = 'failed' then 'connection terminated unexpectedly' end,
       convert_to('{"type":"user.updated","data":{"id":"user_' || md5('u' || g) || '","email_addresses":[{"email_address":"user'
         || g || '@example.com"}],"first_name":"First","last_name":"Last","updated_at":' || (extract(epoch from t) * 1000)::bigint
         || '},"timestamp":' || (extract(epoch from t) * 1000)::bigint || ',"object":"event","instance_id":"ins_' || md5('i') || '"}', 'UTF8'),
       t, t
     from generate_series(1, $1) as g,
       lateral (select now() - interval '60 days' * (1 - g::float8 / $1) as t,
         case when g % 200 = 0 then 'failed' when g % 100 = 1 then 'ignored' when g % 66 = 2 then 'stale' else 'applied' end
           as outcome) as x`,
    [volume.webhookEvents],
  );
}

/** Real values to query with: the heaviest owners, cursors in the middle of their lists. */
export async function pickSamples(client: pg.Client): Promise<Samples> {
  const one = async (sql: string) => {
    const { rows } = await client.query(sql);
    if (!rows[0]) throw new Error(`no sample for: ${sql}`);
    return rows[0] as Record<string, string>;
  };
  const org = await one(
    `select o.clerk_org_id, p.id as cursor from organizations o
       join lateral (select count(*) as n from projects where organization_id = o.id) c on true
       join lateral (select id from projects where organization_id = o.id order by id desc offset c.n / 2 limit 1) p on true
     order by c.n desc limit 1`,
  );
  const personal = await one(
    `select u.clerk_user_id, p.id as cursor from users u
       join lateral (select count(*) as n from projects where user_id = u.id) c on true
       join lateral (select id from projects where user_id = u.id order by id desc offset c.n / 2 limit 1) p on true
     where u.id in (select user_id from projects where user_id is not null group by user_id order by count(*) desc limit 1)`,
  );
  const user = await one('select clerk_user_id from users where deleted_at is null order by id desc limit 1 offset 17');
  const event = await one('select svix_id from webhook_events order by id desc limit 1 offset 42');
  const key = await one('select idempotency_key_hash from projects where idempotency_key_hash is not null limit 1');
  return {
    clerkUserId: user.clerk_user_id!,
    clerkOrgId: org.clerk_org_id!,
    orgCursor: org.cursor!,
    personalClerkUserId: personal.clerk_user_id!,
    personalCursor: personal.cursor!,
    svixId: event.svix_id!,
    idempotencyKeyHash: key.idempotency_key_hash!,
  };
}
