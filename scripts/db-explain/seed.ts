// Realistic volume of the core tables for plan checks, generated in bulk inside Postgres
// (generate_series): no rows cross the network, so the default volume takes seconds. Distributions
// matter more than totals: ids are UUIDv7 in creation order over months, and most ledger rows are
// old enough to be pruned. Resources seed their own rows over these users and organizations
// (`src/<folder>/explain.ts`), owners skewed as real tenants are.
import type pg from 'pg';
import { atScale, type CoreSamples, sampleRow } from './paths.ts';

export interface Volume {
  users: number;
  organizations: number;
  memberships: number;
  webhookEvents: number;
  idempotencyKeys: number;
}

export function volumeAt(scale: number): Volume {
  return {
    users: atScale(100_000, scale),
    organizations: atScale(10_000, scale),
    memberships: atScale(150_000, scale),
    webhookEvents: atScale(500_000, scale),
    idempotencyKeys: atScale(50_000, scale),
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
  // Idempotency-Key records of the last two days: half expired (the prune's work), half live.
  await client.query(
    `insert into idempotency_keys (id, key_hash, request_hash, response, expires_at, created_at)
     select pg_temp.uuidv7_at(t), md5('k' || g) || md5('k2' || g), md5('r' || g), '{"id":"' || g || '"}',
       t + interval '24 hours', t
     from generate_series(1, $1) as g, lateral (select now() - interval '48 hours' * (1 - g::float8 / $1) as t) as x`,
    [volume.idempotencyKeys],
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

/** Real values to query with. */
export async function pickSamples(client: pg.Client): Promise<CoreSamples> {
  const user = await sampleRow(
    client,
    'select clerk_user_id from users where deleted_at is null order by id desc limit 1 offset 17',
  );
  const event = await sampleRow(client, 'select svix_id from webhook_events order by id desc limit 1 offset 42');
  const key = await sampleRow(client, 'select key_hash from idempotency_keys where expires_at > now() limit 1');
  return { clerkUserId: user.clerk_user_id!, svixId: event.svix_id!, idempotencyKeyHash: key.key_hash! };
}
