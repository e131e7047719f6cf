// The per-owner quota of owned resources (src/lib/owned-resource.ts `insertOwned`), through
// POST /v1/projects: decided by the create statement itself, so still one round trip, and never
// in the way of an idempotent retry of a create that was answered.
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { projects, users } from '../../db/schema.ts';
import { documented } from '../../test/contract.ts';
import { CLIENT_IP, roundTrips, uniqueId, withTestDb } from '../../test/helpers.ts';
import { callAs, orgAdmin, personalCaller, sessionHeaders, type TestCaller } from '../../test/sessions.ts';
import { createApp } from '../app.ts';
import { DEFAULT_MAX_ROWS_PER_OWNER } from '../config.ts';
import { createProject, ownerProjectCount } from './testing.ts';

const create = (caller: TestCaller, name: string, headers: Record<string, string> = {}) =>
  callAs(caller, '/v1/projects', { method: 'POST', body: { name }, headers });

/** Fills a personal owner's projects up to `count`, in one statement (its first made by the API). */
async function fillPersonalProjects(caller: TestCaller, count: number) {
  await createProject(caller, 'First');
  await withTestDb((db) =>
    db.execute(sql`insert into ${projects} (id, user_id, name)
      select gen_random_uuid(), u.id, 'Filler ' || g
      from ${users} u, generate_series(2, ${count}) as g where u.clerk_user_id = ${caller.sub}`),
  );
  expect(await ownerProjectCount({ user: caller.sub })).toBe(count);
}

async function expectOverQuota(response: Response) {
  expect(response.status).toBe(409);
  expect(roundTrips(response)).toBe(1);
  const body = await documented<{ type: string; detail: string }>(response, 'POST /v1/projects');
  expect(body.type).toBe('/problems/quota-exceeded');
  expect(body.detail).toContain(`quota (${DEFAULT_MAX_ROWS_PER_OWNER} per owner)`);
}

describe('the per-owner quota', () => {
  it(`stops an owner at ${DEFAULT_MAX_ROWS_PER_OWNER} by default, in the create's one round trip`, async () => {
    const caller = personalCaller();
    await fillPersonalProjects(caller, DEFAULT_MAX_ROWS_PER_OWNER - 1);
    expect((await create(caller, 'The last one')).status).toBe(201);
    await expectOverQuota(await create(caller, 'One too many'));
    expect(await ownerProjectCount({ user: caller.sub })).toBe(DEFAULT_MAX_ROWS_PER_OWNER);
    // Other owners are not affected: the caller in an organization, and another user.
    expect((await create({ ...caller, organization: orgAdmin(uniqueId('org')).organization }, 'Team')).status).toBe(
      201,
    );
    expect((await create(personalCaller(), 'Someone else')).status).toBe(201);
  });

  it('still replays an answered create, and claims no key over the quota', async () => {
    const caller = personalCaller();
    await fillPersonalProjects(caller, DEFAULT_MAX_ROWS_PER_OWNER - 1);
    const first = await create(caller, 'Retried', { 'idempotency-key': 'quota-retry' });
    expect(first.status).toBe(201);
    const { id } = (await first.json()) as { id: string };

    // At the quota now: the retry gets its original answer; the same key with another body is 422.
    const retry = await create(caller, 'Retried', { 'idempotency-key': 'quota-retry' });
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(((await retry.json()) as { id: string }).id).toBe(id);
    expect((await create(caller, 'Other body', { 'idempotency-key': 'quota-retry' })).status).toBe(422);

    // A new key over the quota is refused and not kept: once there is room, it creates.
    await expectOverQuota(await create(caller, 'Later', { 'idempotency-key': 'quota-later' }));
    const deleted = await callAs(caller, `/v1/projects/${id}`, { method: 'DELETE' });
    expect(deleted.status).toBe(204);
    const later = await create(caller, 'Later', { 'idempotency-key': 'quota-later' });
    expect(later.status).toBe(201);
    expect(later.headers.get('idempotent-replayed')).toBeNull();
  });

  it('counts an organization’s projects, whoever of its members creates them', async () => {
    const ctx = createExecutionContext();
    const app = createApp();
    const quotaOfTwo = { ...env, MAX_ROWS_PER_OWNER: '2' };
    const org = uniqueId('org');
    const post = async (caller: TestCaller) =>
      app.fetch(
        new Request('http://api.test/v1/projects', {
          method: 'POST',
          headers: {
            ...(await sessionHeaders(caller.sub, caller.organization)),
            'content-type': 'application/json',
            'cf-connecting-ip': CLIENT_IP,
          },
          body: JSON.stringify({ name: 'Shared' }),
        }),
        quotaOfTwo,
        ctx,
      );
    expect((await post(orgAdmin(org))).status).toBe(201);
    expect((await post(orgAdmin(org))).status).toBe(201);
    const third = await post(orgAdmin(org));
    expect(third.status).toBe(409);
    expect(await third.json()).toMatchObject({ detail: expect.stringContaining('quota (2 per owner)') });
    await waitOnExecutionContext(ctx);
    expect(await ownerProjectCount({ organization: org })).toBe(2);
  });

  it('is a 500 naming MAX_ROWS_PER_OWNER when that is not a positive integer', async () => {
    const ctx = createExecutionContext();
    const caller = personalCaller();
    const response = await createApp().fetch(
      new Request('http://api.test/v1/projects', {
        method: 'POST',
        headers: { ...(await sessionHeaders(caller.sub)), 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Never stored' }),
      }),
      { ...env, MAX_ROWS_PER_OWNER: 'plenty' },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ detail: expect.stringContaining('MAX_ROWS_PER_OWNER') });
    expect(await ownerProjectCount({ user: caller.sub })).toBe(0);
  });
});
