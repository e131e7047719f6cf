import { describe, expect, it } from 'vitest';
import { clerkEvents, clerkUserObject, type UserFields } from '../../scripts/lib/clerk-events.ts';
import { arrangeClerk, clerkRequestsTo } from '../../test/clerk-api.ts';
import { documented } from '../../test/contract.ts';
import { call, roundTrips, uniqueId, userRow } from '../../test/helpers.ts';
import { sessionHeaders } from '../../test/sessions.ts';
import { deliver } from '../../test/webhooks.ts';

const CREATED_AT = 1_700_000_000_000;

const me = async (clerkUserId: string) => call('/v1/me', { headers: await sessionHeaders(clerkUserId) });

const fields = (id: string, updatedAt: number, firstName = 'Ada'): UserFields => ({
  id,
  email: `${id}@example.com`,
  firstName,
  lastName: 'Lovelace',
  imageUrl: 'https://img.example/ada.png',
  createdAt: CREATED_AT,
  updatedAt,
});

describe('GET /v1/me', () => {
  it('answers from the synced users table in one round trip, without calling Clerk', async () => {
    const id = uniqueId('user');
    expect((await deliver(clerkEvents.user('user.created', fields(id, CREATED_AT + 1)))).outcome).toBe('applied');
    const response = await me(id);
    expect(response.status).toBe(200);
    expect(roundTrips(response)).toBe(1);
    const body = await documented<Record<string, unknown>>(response, 'GET /v1/me');
    expect(body).toEqual({
      id: (await userRow(id))!.id,
      clerkUserId: id,
      email: `${id}@example.com`,
      firstName: 'Ada',
      lastName: 'Lovelace',
      imageUrl: 'https://img.example/ada.png',
      createdAt: new Date(CREATED_AT).toISOString(),
      updatedAt: new Date(CREATED_AT + 1).toISOString(),
    });
    expect(await clerkRequestsTo(`/v1/users/${id}`)).toBe(0);
  });

  it('fetches a user the webhook has not synced yet from Clerk once, and stores it by the winner rule', async () => {
    const id = uniqueId('user');
    await arrangeClerk({ users: [clerkUserObject(fields(id, CREATED_AT + 5))] });
    const first = await me(id);
    expect(first.status).toBe(200);
    // Read, apply the snapshot, read back.
    expect(roundTrips(first)).toBe(3);
    const body = await documented<{ firstName: string; updatedAt: string }>(first, 'GET /v1/me');
    expect(body).toMatchObject({ firstName: 'Ada', updatedAt: new Date(CREATED_AT + 5).toISOString() });
    expect(await userRow(id)).toMatchObject({
      sourceVersion: CREATED_AT + 5,
      sourceEventId: 'api',
      isPlaceholder: false,
    });

    const second = await me(id);
    expect(roundTrips(second)).toBe(1);
    expect(await clerkRequestsTo(`/v1/users/${id}`)).toBe(1);

    // The webhook carrying the same version still wins the tie, and a newer one wins outright.
    await deliver(clerkEvents.user('user.created', fields(id, CREATED_AT + 5, 'Augusta')));
    expect(await documented(await me(id), 'GET /v1/me')).toMatchObject({ firstName: 'Augusta' });
  });

  it('replaces a placeholder row (made from a membership event that came first)', async () => {
    const id = uniqueId('user');
    const membership = {
      id: uniqueId('orgmem'),
      role: 'org:member',
      updatedAt: CREATED_AT,
      organization: { id: uniqueId('org'), name: 'Acme', updatedAt: CREATED_AT },
      user: { id, firstName: 'Embedded' },
    };
    await deliver(clerkEvents.membership('organizationMembership.created', membership));
    expect(await userRow(id)).toMatchObject({ isPlaceholder: true });
    await arrangeClerk({ users: [clerkUserObject(fields(id, CREATED_AT + 9))] });
    const response = await me(id);
    expect(response.status).toBe(200);
    expect(await documented(response, 'GET /v1/me')).toMatchObject({ clerkUserId: id, email: `${id}@example.com` });
    expect(await userRow(id)).toMatchObject({ isPlaceholder: false });
  });

  it('answers 404 for a deleted user, without calling Clerk', async () => {
    const id = uniqueId('user');
    await deliver(clerkEvents.user('user.created', fields(id, CREATED_AT + 1)));
    await deliver(clerkEvents.userDeleted(id, CREATED_AT + 2));
    const response = await me(id);
    expect(response.status).toBe(404);
    expect(roundTrips(response)).toBe(1);
    await documented(response, 'GET /v1/me');
    expect(await clerkRequestsTo(`/v1/users/${id}`)).toBe(0);
  });

  it('answers 404 when Clerk no longer knows the user', async () => {
    const id = uniqueId('user');
    const response = await me(id);
    expect(response.status).toBe(404);
    await documented(response, 'GET /v1/me');
    expect(await userRow(id)).toBeUndefined();
  });

  it('asks Clerk about a user it does not know once a minute, not on every request', async () => {
    const id = uniqueId('user');
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const response = await me(id);
      expect(response.status).toBe(404);
      expect(roundTrips(response)).toBe(1);
      await documented(response, 'GET /v1/me');
    }
    expect(await clerkRequestsTo(`/v1/users/${id}`)).toBe(1);
    // The synced table is read first: a user the webhook stores is answered at once.
    await deliver(clerkEvents.user('user.created', fields(id, CREATED_AT + 1)));
    expect((await me(id)).status).toBe(200);
    expect(await clerkRequestsTo(`/v1/users/${id}`)).toBe(1);
  });

  it.each([
    ['unreachable', { disconnect: true }, '5'],
    ['rate limiting', { status: 429, retryAfter: 7 }, '7'],
    ['failing', { status: 500 }, '5'],
  ])('answers 503 with Retry-After when Clerk is %s, and stores nothing', async (_, failure, retryAfter) => {
    const id = uniqueId('user');
    await arrangeClerk({
      users: [clerkUserObject(fields(id, CREATED_AT))],
      failures: [{ path: `/v1/users/${id}`, times: 1, ...failure }],
    });
    const response = await me(id);
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe(retryAfter);
    expect(await documented(response, 'GET /v1/me')).toMatchObject({ type: '/problems/clerk-unavailable' });
    expect(await userRow(id)).toBeUndefined();
    // The failure was one-off: the retry succeeds.
    expect((await me(id)).status).toBe(200);
  });

  it('answers 503 when Clerk returns something that is not a user', async () => {
    const id = uniqueId('user');
    await arrangeClerk({ users: [{ ...clerkUserObject(fields(id, CREATED_AT)), created_at: 'yesterday' }] });
    const response = await me(id);
    expect(response.status).toBe(503);
    await documented(response, 'GET /v1/me');
  });
});
