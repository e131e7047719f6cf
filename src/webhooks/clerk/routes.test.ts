import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { clerkEvents, signDelivery } from '../../../scripts/lib/clerk-events.ts';
import { timeBudget } from '../../../test/budget.ts';
import { call, roundTrips, uniqueId } from '../../../test/helpers.ts';
import { deliver, ledgerRows, svixId, syncedState, webhookSecrets } from '../../../test/webhooks.ts';
import { createApp } from '../../app.ts';

const user = (id: string, updatedAt: number, email = `${id}@example.com`) => ({
  id,
  email,
  firstName: 'Ada',
  lastName: 'Lovelace',
  createdAt: 1_700_000_000_000,
  updatedAt,
});

describe('POST /webhooks/clerk: authentication', () => {
  const event = () => clerkEvents.user('user.created', user(uniqueId('user'), 1_700_000_000_000));

  it.each([
    [
      'no svix headers',
      (signed: ReturnType<typeof signDelivery>) => ({
        'content-type': 'application/json',
        ...{ ...signed.headers, 'svix-id': '', 'svix-signature': '' },
      }),
    ],
    [
      'a wrong signature',
      (signed: ReturnType<typeof signDelivery>) => ({
        ...signed.headers,
        'svix-signature': 'v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
      }),
    ],
    [
      'a signature for another svix id',
      (signed: ReturnType<typeof signDelivery>) => ({ ...signed.headers, 'svix-id': svixId() }),
    ],
  ] as [string, (signed: ReturnType<typeof signDelivery>) => Record<string, string>][])(
    'rejects %s with 401 and writes nothing',
    async (_, tamper) => {
      const signed = signDelivery(webhookSecrets[0]!, JSON.stringify(event()));
      const headers = tamper(signed);
      const response = await call('/webhooks/clerk', { method: 'POST', headers, body: signed.body });
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(await ledgerRows([signed.headers['svix-id']!, headers['svix-id'] ?? ''])).toEqual([]);
    },
  );

  it('rejects a secret it does not know, and timestamps more than 5 minutes off', async () => {
    const stranger = `whsec_${btoa('some-other-secret-entirely')}`;
    const tooOld = new Date(Date.now() - 6 * 60_000);
    const tooNew = new Date(Date.now() + 6 * 60_000);
    const ids = [svixId(), svixId(), svixId()];
    const results = await Promise.all([
      deliver(event(), { secret: stranger, svixId: ids[0] }),
      deliver(event(), { timestamp: tooOld, svixId: ids[1] }),
      deliver(event(), { timestamp: tooNew, svixId: ids[2] }),
    ]);
    expect(results.map((result) => result.response.status)).toEqual([401, 401, 401]);
    expect(await ledgerRows(ids)).toEqual([]);
  });

  it('accepts deliveries signed with either secret during a rotation', async () => {
    const [old, current] = await Promise.all(webhookSecrets.map((secret) => deliver(event(), { secret })));
    expect(old?.outcome).toBe('applied');
    expect(current?.outcome).toBe('applied');
  });
});

describe('POST /webhooks/clerk: bad input', () => {
  it('answers 413 for bodies over 256 KiB and writes nothing', async () => {
    const id = svixId();
    const padded = { ...clerkEvents.user('user.created', user(uniqueId('user'), 1)), padding: 'x'.repeat(256 * 1024) };
    const { response } = await deliver(padded, { svixId: id });
    expect(response.status).toBe(413);
    expect(await ledgerRows([id])).toEqual([]);
  });

  it('keeps malformed JSON as a failed event and answers 422', async () => {
    const id = svixId();
    const { response } = await deliver('{"type": "user.created", "data": {', { svixId: id });
    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await ledgerRows([id])).toEqual([
      { svix_id: id, outcome: 'failed', error: 'The body is not valid JSON.', attempts: 1, event_type: 'unknown' },
    ]);
  });

  it('keeps a handled event whose payload fails its schema as failed, and counts redeliveries', async () => {
    const id = svixId();
    const broken = clerkEvents.user('user.updated', user(uniqueId('user'), 1));
    broken.data.updated_at = 'yesterday';
    const first = await deliver(broken, { svixId: id });
    const again = await deliver(broken, { svixId: id });
    expect([first.response.status, again.response.status]).toEqual([422, 422]);
    expect(await first.response.json()).toMatchObject({ detail: expect.stringContaining('data.updated_at') });
    expect(await ledgerRows([id])).toEqual([
      {
        svix_id: id,
        outcome: 'failed',
        error: expect.stringContaining('data.updated_at'),
        attempts: 2,
        event_type: 'user.updated',
      },
    ]);
  });

  it('rejects NUL characters inside fields (Postgres text cannot hold them) as 422, never 500', async () => {
    const id = svixId();
    const event = clerkEvents.user('user.created', { ...user(uniqueId('user'), 1), firstName: 'a\u0000b' });
    const { response } = await deliver(event, { svixId: id });
    expect(response.status).toBe(422);
    expect(await ledgerRows([id])).toMatchObject([
      { outcome: 'failed', error: expect.stringContaining('data.first_name') },
    ]);
  });

  it('stores raw bodies containing NUL characters', async () => {
    const id = svixId();
    const { response } = await deliver('{"type": "user.created", "data": "\u0000"}', { svixId: id });
    expect(response.status).toBe(422);
    expect(await ledgerRows([id])).toMatchObject([{ outcome: 'failed' }]);
  });

  it('acknowledges event types it does not handle, once', async () => {
    const id = svixId();
    const session = { type: 'session.created', object: 'event', timestamp: 1, data: { id: 'sess_1' } };
    const first = await deliver(JSON.stringify(session), { svixId: id });
    const again = await deliver(JSON.stringify(session), { svixId: id });
    expect([first.response.status, first.outcome, again.outcome]).toEqual([200, 'ignored', 'duplicate']);
    expect(await ledgerRows([id])).toMatchObject([{ outcome: 'ignored', event_type: 'session.created' }]);
  });
});

describe('POST /webhooks/clerk: winner rule', () => {
  it('applies an event in one database round trip and makes its redelivery a duplicate', async () => {
    const id = uniqueId('user');
    const event = clerkEvents.user('user.created', user(id, 1_000));
    const msg = svixId();
    const first = await deliver(event, { svixId: msg });
    const again = await deliver(event, { svixId: msg });
    expect([first.outcome, again.outcome]).toEqual(['applied', 'duplicate']);
    expect([roundTrips(first.response), roundTrips(again.response)]).toEqual([1, 1]);
    expect((await syncedState(id)).users).toMatchObject([
      { clerk_user_id: id, email: `${id}@example.com`, source_event_id: msg },
    ]);
  });

  it('turns 50 concurrent deliveries of one event into one effect and one ledger row', {
    timeout: timeBudget({ requests: 52 }),
  }, async () => {
    const id = uniqueId('user');
    const event = clerkEvents.user('user.created', user(id, 1_000));
    const msg = svixId();
    const results = await Promise.all(Array.from({ length: 50 }, () => deliver(event, { svixId: msg })));
    const outcomes = results.map((result) => result.outcome).sort();
    expect(outcomes.filter((outcome) => outcome === 'applied')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome === 'duplicate')).toHaveLength(49);
    expect(await ledgerRows([msg])).toMatchObject([{ outcome: 'applied', attempts: 1 }]);
  });

  it('keeps the newer of two updates whatever order they arrive in', async () => {
    const id = uniqueId('user');
    const newer = await deliver(clerkEvents.user('user.updated', user(id, 2_000, 'new@example.com')));
    const older = await deliver(clerkEvents.user('user.updated', user(id, 1_000, 'old@example.com')));
    expect([newer.outcome, older.outcome]).toEqual(['applied', 'stale']);
    expect((await syncedState(id)).users).toMatchObject([{ email: 'new@example.com', source_version: '2000' }]);
  });

  it('breaks a version tie by svix id, so both orders agree', async () => {
    const [a, b] = [uniqueId('user'), uniqueId('user')];
    const low = `msg_tie_${a}_1`;
    const high = `msg_tie_${a}_2`;
    await deliver(clerkEvents.user('user.updated', user(a, 5_000, 'low@example.com')), { svixId: low });
    await deliver(clerkEvents.user('user.updated', user(a, 5_000, 'high@example.com')), { svixId: high });
    await deliver(clerkEvents.user('user.updated', user(b, 5_000, 'high@example.com')), { svixId: `${high}_b` });
    await deliver(clerkEvents.user('user.updated', user(b, 5_000, 'low@example.com')), { svixId: `${low}_b` });
    expect((await syncedState(a)).users[0]).toMatchObject({ email: 'high@example.com' });
    expect((await syncedState(b)).users[0]).toMatchObject({ email: 'high@example.com' });
  });

  it('never resurrects a deleted user: late updates and replayed creates are stale', async () => {
    const id = uniqueId('user');
    await deliver(clerkEvents.user('user.created', user(id, 1_000)));
    const deleteId = svixId();
    const deleted = await deliver(clerkEvents.userDeleted(id, 2_000), { svixId: deleteId });
    // Clocks are not comparable: an update stamped after the delete still loses.
    const lateUpdate = await deliver(clerkEvents.user('user.updated', user(id, 9_000)));
    const replayedCreate = await deliver(clerkEvents.user('user.created', user(id, 1_000)));
    expect([deleted.outcome, lateUpdate.outcome, replayedCreate.outcome]).toEqual(['applied', 'stale', 'stale']);
    expect((await syncedState(id)).users).toEqual([
      {
        clerk_user_id: id,
        email: null,
        first_name: null,
        last_name: null,
        image_url: null,
        clerk_created_at: null,
        clerk_updated_at: null,
        source_version: '2000',
        source_event_id: deleteId,
        is_placeholder: false,
        deleted_at: expect.stringMatching(/^1970-01-01 00:00:02/),
      },
    ]);
  });

  it('stores a delete that arrives before anything else as a tombstone', async () => {
    const id = uniqueId('user');
    expect((await deliver(clerkEvents.userDeleted(id, 5_000))).outcome).toBe('applied');
    expect((await deliver(clerkEvents.user('user.created', user(id, 1_000)))).outcome).toBe('stale');
    expect((await syncedState(id)).users).toMatchObject([{ deleted_at: expect.any(String), email: null }]);
  });

  it('creates placeholder parents for a membership that arrives first, then replaces them', async () => {
    const marker = uniqueId('m');
    const userId = `user_${marker}`;
    const orgId = `org_${marker}`;
    const membershipId = `orgmem_${marker}`;
    const membership = {
      id: membershipId,
      role: 'org:admin',
      updatedAt: 5_000,
      organization: { id: orgId, name: 'Embedded Org', updatedAt: 3_000 },
      user: { id: userId, email: `${marker}@example.com`, firstName: 'Embedded' },
    };
    const first = await deliver(clerkEvents.membership('organizationMembership.created', membership));
    expect([first.response.status, first.outcome, roundTrips(first.response)]).toEqual([200, 'applied', 1]);
    let state = await syncedState(marker);
    expect(state.users).toMatchObject([{ clerk_user_id: userId, first_name: 'Embedded', is_placeholder: true }]);
    expect(state.organizations).toMatchObject([{ clerk_org_id: orgId, name: 'Embedded Org', is_placeholder: true }]);
    expect(state.memberships).toMatchObject([
      { clerk_org_id: orgId, clerk_user_id: userId, role: 'org:admin', deleted_at: null },
    ]);

    // Full events replace placeholders even when their version is older than the membership's.
    const created = await deliver(
      clerkEvents.user('user.created', {
        id: userId,
        firstName: 'Real',
        email: `${marker}@example.com`,
        updatedAt: 1_000,
      }),
    );
    const org = await deliver(
      clerkEvents.organization('organization.created', { id: orgId, name: 'Real Org', updatedAt: 1_000 }),
    );
    expect([created.outcome, org.outcome]).toEqual(['applied', 'applied']);
    // And a later membership event's embedded data never overwrites them.
    await deliver(clerkEvents.membership('organizationMembership.updated', { ...membership, updatedAt: 6_000 }));
    state = await syncedState(marker);
    expect(state.users).toMatchObject([{ first_name: 'Real', is_placeholder: false }]);
    expect(state.organizations).toMatchObject([{ name: 'Real Org', is_placeholder: false }]);
  });

  it('tombstones memberships with their user or organization, and stores late memberships as deleted', async () => {
    const marker = uniqueId('c');
    const org = { id: `org_${marker}`, name: 'Org', updatedAt: 1_000 };
    const member = (n: number) => ({
      id: `orgmem_${marker}_${n}`,
      role: 'org:member',
      updatedAt: 2_000,
      organization: org,
      user: { id: `user_${marker}_${n}` },
    });
    await deliver(clerkEvents.membership('organizationMembership.created', member(1)));
    const deleted = await deliver(clerkEvents.organizationDeleted(org.id, 3_000));
    const late = await deliver(clerkEvents.membership('organizationMembership.created', member(2)));
    expect([deleted.outcome, late.outcome]).toEqual(['applied', 'applied']);
    const state = await syncedState(marker);
    expect(state.memberships).toMatchObject([
      { clerk_membership_id: member(1).id, role: null, source_version: '3000', deleted_at: expect.any(String) },
      {
        clerk_membership_id: member(2).id,
        clerk_user_id: member(2).user.id,
        role: null,
        source_version: '3000',
        deleted_at: expect.any(String),
      },
    ]);
  });

  it('accepts both shapes of organizationMembership.deleted', async () => {
    const marker = uniqueId('d');
    const membership = {
      id: `orgmem_${marker}`,
      updatedAt: 1_000,
      organization: { id: `org_${marker}`, updatedAt: 1 },
      user: { id: `user_${marker}` },
    };
    const bare = await deliver(clerkEvents.membershipDeletedBare(`orgmem_${marker}_bare`, 2_000));
    const full = await deliver(clerkEvents.membership('organizationMembership.deleted', membership, 2_000));
    expect([bare.outcome, full.outcome]).toEqual(['applied', 'applied']);
    expect((await syncedState(marker)).memberships).toMatchObject([
      { clerk_membership_id: `orgmem_${marker}`, clerk_org_id: `org_${marker}`, deleted_at: expect.any(String) },
      {
        clerk_membership_id: `orgmem_${marker}_bare`,
        clerk_org_id: null,
        clerk_user_id: null,
        deleted_at: expect.any(String),
      },
    ]);
  });
});

describe('POST /webhooks/clerk: database down', () => {
  it('answers 503 with Retry-After and writes nothing', async () => {
    const unreachable = 'postgresql://postgres:postgres@127.0.0.1:9/none';
    const brokenEnv = {
      ...env,
      HYPERDRIVE: { ...env.HYPERDRIVE, connectionString: unreachable },
      DATABASE_URL: unreachable,
      NEON_HTTP_ENDPOINT: 'http://127.0.0.1:9/sql',
    };
    const id = uniqueId('user');
    const signed = signDelivery(webhookSecrets[0]!, JSON.stringify(clerkEvents.user('user.created', user(id, 1))));
    const ctx = createExecutionContext();
    const response = await createApp().fetch(
      new Request('http://api.test/webhooks/clerk', { method: 'POST', headers: signed.headers, body: signed.body }),
      brokenEnv,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect(await response.json()).toMatchObject({ type: '/problems/database-unavailable', status: 503 });
    expect(await ledgerRows([signed.headers['svix-id']!])).toEqual([]);
    expect((await syncedState(id)).users).toEqual([]);
  });
});
