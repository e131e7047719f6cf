import { sql } from 'drizzle-orm';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { executeRows } from '../../db/client.ts';
import { organizations } from '../../db/schema.ts';
import { timeBudget } from '../../test/budget.ts';
import { client } from '../../test/client.ts';
import { documented } from '../../test/contract.ts';
import { call, organizationRow, roundTrips, uniqueId, userRow, withTestDb } from '../../test/helpers.ts';
import {
  orgAdmin as admin,
  callAs,
  claimsFor,
  orgMember as member,
  personalCaller as personal,
  sessionHeaders,
  signedToken,
  type TestCaller,
} from '../../test/sessions.ts';
import { listProjects } from './queries.ts';
import { createProject, ownerProjectCount, type ProjectBody } from './testing.ts';

describe('POST /v1/projects', () => {
  it('creates a personal project in one round trip, with Location and ETag', async () => {
    const caller = personal();
    const response = await callAs(caller, '/v1/projects', {
      method: 'POST',
      body: { name: 'Launch', description: 'Spring' },
    });
    expect(response.status).toBe(201);
    expect(roundTrips(response)).toBe(1);
    expect(response.headers.get('etag')).toBe('"1"');
    const item = await documented<ProjectBody>(response, 'POST /v1/projects');
    expect(item).toMatchObject({ name: 'Launch', description: 'Spring' });
    expect(response.headers.get('location')).toBe(`/v1/projects/${item.id}`);

    const fetched = await callAs(caller, `/v1/projects/${item.id}`);
    expect(await documented(fetched, 'GET /v1/projects/{id}')).toEqual(item);
    expect(fetched.headers.get('etag')).toBe('"1"');
  });

  it('creates a placeholder owner row when the webhook has not synced the owner yet', async () => {
    const caller = admin(uniqueId('org'));
    await createProject(caller, 'First');
    expect(await organizationRow(caller.organization!.id)).toMatchObject({
      isPlaceholder: true,
      sourceVersion: 0,
      sourceEventId: 'placeholder',
      name: null,
      deletedAt: null,
    });
    const personalCaller = personal();
    await createProject(personalCaller, 'Mine');
    expect(await userRow(personalCaller.sub)).toMatchObject({ isPlaceholder: true, sourceVersion: 0, email: null });
  });

  it('never overwrites a synced owner row', async () => {
    const org = uniqueId('org');
    await withTestDb((db) =>
      db.insert(organizations).values({
        clerkOrgId: org,
        name: 'Acme',
        slug: 'acme',
        sourceVersion: 1_700_000_000_000,
        sourceEventId: 'msg_1',
      }),
    );
    const before = await organizationRow(org);
    await Promise.all([createProject(member(org), 'A'), createProject(member(org), 'B')]);
    expect(await organizationRow(org)).toEqual(before);
    expect(await ownerProjectCount({ organization: org })).toBe(2);
  });

  it('answers 400 listing every invalid field, without touching the database', async () => {
    const response = await callAs(personal(), '/v1/projects', {
      method: 'POST',
      body: { name: ' ', description: 42, color: 'red', owner: 'me' },
    });
    expect(response.status).toBe(400);
    expect(roundTrips(response)).toBe(0);
    const problem = await documented<{ errors: { path: string }[] }>(response, 'POST /v1/projects');
    expect(problem.errors.map((error) => error.path).sort()).toEqual([
      'body.color',
      'body.description',
      'body.name',
      'body.owner',
    ]);
  });

  it.each([
    ['a name over 200 characters', { name: 'x'.repeat(201) }],
    ['a NUL character', { name: 'a\u0000b' }],
    ['an unpaired surrogate', { name: 'a\ud800b' }],
    ['a missing name', { description: 'no name' }],
    ['an array body', [{ name: 'x' }]],
  ])('rejects %s with 400', async (_, body) => {
    const response = await callAs(personal(), '/v1/projects', { method: 'POST', body });
    expect(response.status).toBe(400);
    await documented(response, 'POST /v1/projects');
  });

  it('answers 415 for a non-JSON content type, 400 for broken JSON, 413 over 64 KiB', async () => {
    const headers = await sessionHeaders(uniqueId('user'));
    const send = (contentType: string, body: string) =>
      call('/v1/projects', { method: 'POST', headers: { ...headers, 'content-type': contentType }, body });
    const responses = await Promise.all([
      send('text/plain', '{"name":"x"}'),
      send('application/x-www-form-urlencoded', 'name=x'),
      send('application/json', '{"name":'),
      send('application/json', JSON.stringify({ name: 'x', description: 'y'.repeat(64 * 1024) })),
    ]);
    expect(responses.map((response) => response.status)).toEqual([415, 415, 400, 413]);
    for (const response of responses) {
      expect(roundTrips(response)).toBe(0);
      await documented(response, 'POST /v1/projects');
    }
  });
});

describe('POST /v1/projects with Idempotency-Key', () => {
  const post = (caller: TestCaller, key: string, body: unknown) =>
    callAs(caller, '/v1/projects', { method: 'POST', body, headers: { 'idempotency-key': key } });

  it('returns the original 201 for a retry with the same body and creates nothing', async () => {
    const caller = personal();
    const key = crypto.randomUUID();
    const first = await post(caller, key, { name: 'Once', description: null });
    const original = await documented<ProjectBody>(first, 'POST /v1/projects');
    // Same body, spelled differently: description omitted instead of null.
    const retry = await post(caller, key, { name: 'Once' });
    expect(retry.status).toBe(201);
    expect(roundTrips(retry)).toBe(1);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.headers.get('location')).toBe(first.headers.get('location'));
    expect(await documented(retry, 'POST /v1/projects')).toEqual(original);
    expect(await ownerProjectCount({ user: caller.sub })).toBe(1);
  });

  it('answers 422 for the same key with another body', async () => {
    const caller = personal();
    const key = crypto.randomUUID();
    expect((await post(caller, key, { name: 'A' })).status).toBe(201);
    const reused = await post(caller, key, { name: 'B' });
    expect(reused.status).toBe(422);
    expect(roundTrips(reused)).toBe(1);
    expect(await documented(reused, 'POST /v1/projects')).toMatchObject({ type: '/problems/idempotency-key-reused' });
    expect(await ownerProjectCount({ user: caller.sub })).toBe(1);
  });

  it('scopes keys to the caller', async () => {
    const key = crypto.randomUUID();
    const [a, b] = [personal(), personal()];
    const first = (await (await post(a, key, { name: 'Same' })).json()) as ProjectBody;
    const second = await post(b, key, { name: 'Same' });
    expect(second.status).toBe(201);
    expect(second.headers.get('idempotent-replayed')).toBeNull();
    expect(((await second.json()) as ProjectBody).id).not.toBe(first.id);
  });

  it('creates exactly one project for concurrent retries with one key', async () => {
    const caller = admin(uniqueId('org'));
    const key = crypto.randomUUID();
    const responses = await Promise.all(Array.from({ length: 4 }, () => post(caller, key, { name: 'Race' })));
    expect(responses.map((response) => response.status)).toEqual([201, 201, 201, 201]);
    const bodies = await Promise.all(
      responses.map((response) => documented<ProjectBody>(response, 'POST /v1/projects')),
    );
    expect(new Set(bodies.map((body) => body.id)).size).toBe(1);
    expect(responses.filter((response) => response.headers.get('idempotent-replayed')).length).toBe(3);
    expect(await ownerProjectCount({ organization: caller.organization!.id })).toBe(1);
  });

  it('lets an expired key be used again: the next request takes it over', async () => {
    const caller = personal();
    const key = crypto.randomUUID();
    const old = (await (await post(caller, key, { name: 'Old' })).json()) as ProjectBody;
    const keyRecord = sql`select response from idempotency_keys where response like ${`%${old.id}%`}`;
    expect(await withTestDb((db) => executeRows(db, keyRecord))).toHaveLength(1);
    await withTestDb((db) =>
      db.execute(
        sql`update idempotency_keys set expires_at = now() - interval '1 second' where response like ${`%${old.id}%`}`,
      ),
    );
    const reused = await post(caller, key, { name: 'New' });
    expect(reused.status).toBe(201);
    expect(reused.headers.get('idempotent-replayed')).toBeNull();
    expect(roundTrips(reused)).toBe(1);
    const fresh = await documented<ProjectBody>(reused, 'POST /v1/projects');
    expect(fresh.id).not.toBe(old.id);
    // One record for the key, now holding the new answer; the old project stays.
    expect(await withTestDb((db) => executeRows(db, keyRecord))).toHaveLength(0);
    const replay = await post(caller, key, { name: 'New' });
    expect(((await replay.json()) as ProjectBody).id).toBe(fresh.id);
    expect((await callAs(caller, `/v1/projects/${old.id}`)).status).toBe(200);
  });

  it('rejects a malformed key with 400', async () => {
    const response = await post(personal(), 'has spaces in it', { name: 'x' });
    expect(response.status).toBe(400);
    expect(await documented(response, 'POST /v1/projects')).toMatchObject({
      errors: [{ path: 'header.idempotency-key' }],
    });
  });
});

describe('GET /v1/projects', () => {
  // 12 creates, then up to 20 pages each racing one more create.
  it('pages newest first across concurrent inserts without duplicates or gaps', {
    timeout: timeBudget({ requests: 12 + 2 * 20 }),
  }, async () => {
    const caller = member(uniqueId('org'));
    const existing: string[] = [];
    for (let i = 0; i < 12; i += 1) existing.push((await createProject(caller, `p${i}`)).id);

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor ? `?limit=5&cursor=${cursor}` : '?limit=5';
      // A new project lands while every page is being read.
      const [response] = await Promise.all([
        callAs(caller, `/v1/projects${query}`),
        createProject(caller, `concurrent ${pages}`),
      ]);
      expect(roundTrips(response)).toBe(1);
      const page = await documented<{ data: ProjectBody[]; nextCursor: string | null }>(response, 'GET /v1/projects');
      expect(page.data.length).toBeLessThanOrEqual(5);
      seen.push(...page.data.map((item) => item.id));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor && pages < 20);

    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual([...seen].sort().reverse());
    expect(seen).toEqual(expect.arrayContaining(existing));
  });

  it('lists only the active owner’s projects', async () => {
    const org = uniqueId('org');
    const caller = member(org);
    const mine = await createProject(caller, 'org project');
    const own = await createProject({ sub: caller.sub }, 'personal project');
    await createProject(member(uniqueId('org')), 'another org');
    const inOrg = await documented<{ data: ProjectBody[] }>(await callAs(caller, '/v1/projects'), 'GET /v1/projects');
    expect(inOrg.data.map((item) => item.id)).toEqual([mine.id]);
    const alone = await documented<{ data: ProjectBody[] }>(
      await callAs({ sub: caller.sub }, '/v1/projects'),
      'GET /v1/projects',
    );
    expect(alone.data.map((item) => item.id)).toEqual([own.id]);
  });

  it.each([
    ['limit=0', 'query.limit'],
    ['limit=101', 'query.limit'],
    ['limit=abc', 'query.limit'],
    ['limit=1&limit=2', 'query.limit'],
    ['cursor=not-a-cursor', 'query.cursor'],
    ['cursor=AAAAAAAAAAAAAAAAAAAAAA%3D', 'query.cursor'],
    ['sort=name', 'query.sort'],
  ])('answers 400 for ?%s', async (query, path) => {
    const response = await callAs(personal(), `/v1/projects?${query}`);
    expect(response.status).toBe(400);
    expect(roundTrips(response)).toBe(0);
    const problem = await documented<{ errors: { path: string }[] }>(response, 'GET /v1/projects');
    expect(problem.errors.map((error) => error.path)).toEqual([path]);
  });

  it('reads in index order: the owner’s partial index, no sort', async () => {
    const plan = await withTestDb(async (db) => {
      // Whatever the table's statistics: with sorts and the other scans priced out, a plan
      // without a Sort exists only if ORDER BY matches the owner index's order.
      await db.execute(sql`set enable_seqscan = off`);
      await db.execute(sql`set enable_bitmapscan = off`);
      await db.execute(sql`set enable_sort = off`);
      const owner = { kind: 'organization', clerkOrgId: uniqueId('org') } as const;
      const query = listProjects(db, owner, { limit: 20, before: '01900000-0000-7000-8000-000000000000' });
      return executeRows<{ 'QUERY PLAN': string }>(db, sql`explain ${query}`);
    });
    const text = plan.map((row) => row['QUERY PLAN']).join('\n');
    expect(text).toContain('projects_organization_id_id_idx');
    expect(text).not.toMatch(/\bSort\b/);
  });
});

describe('GET, PATCH, DELETE /v1/projects/{id}', () => {
  it('answers 404, never 403, for a project of another organization or user', async () => {
    const org = uniqueId('org');
    const theirs = await createProject(admin(org), 'secret');
    const personalOne = await createProject(personal(), 'private');
    const outsider = admin(uniqueId('org'));
    for (const id of [theirs.id, personalOne.id]) {
      const responses = await Promise.all([
        callAs(outsider, `/v1/projects/${id}`),
        callAs(outsider, `/v1/projects/${id}`, { method: 'PATCH', body: { name: 'mine now' } }),
        callAs(outsider, `/v1/projects/${id}`, { method: 'DELETE' }),
        callAs({ sub: outsider.sub }, `/v1/projects/${id}`),
      ]);
      expect(responses.map((response) => response.status)).toEqual([404, 404, 404, 404]);
      for (const [response, operation] of responses.map((r, i) => [r, ['GET', 'PATCH', 'DELETE', 'GET'][i]] as const)) {
        expect(roundTrips(response)).toBe(1);
        await documented(response, `${operation} /v1/projects/{id}`);
      }
    }
    // The organization still sees its project.
    expect((await callAs(member(org), `/v1/projects/${theirs.id}`)).status).toBe(200);
  });

  it('answers 400 for a malformed id', async () => {
    const responses = await Promise.all([
      callAs(personal(), '/v1/projects/not-a-uuid'),
      callAs(personal(), '/v1/projects/123', { method: 'DELETE' }),
    ]);
    expect(responses.map((response) => response.status)).toEqual([400, 400]);
    expect(await documented(responses[0]!, 'GET /v1/projects/{id}')).toMatchObject({ errors: [{ path: 'path.id' }] });
    await documented(responses[1]!, 'DELETE /v1/projects/{id}');
  });

  it('updates with a matching If-Match and bumps the ETag', async () => {
    const caller = member(uniqueId('org'));
    const item = await createProject(caller, 'Before');
    const response = await callAs(caller, `/v1/projects/${item.id}`, {
      method: 'PATCH',
      body: { name: 'After', description: 'now described' },
      headers: { 'if-match': '"1"' },
    });
    expect(response.status).toBe(200);
    expect(roundTrips(response)).toBe(1);
    expect(response.headers.get('etag')).toBe('"2"');
    const updated = await documented<ProjectBody>(response, 'PATCH /v1/projects/{id}');
    expect(updated).toMatchObject({ id: item.id, name: 'After', description: 'now described' });
    expect(updated.createdAt).toBe(item.createdAt);

    const cleared = await callAs(caller, `/v1/projects/${item.id}`, {
      method: 'PATCH',
      body: { description: null },
      headers: { 'if-match': '*' },
    });
    expect(await documented(cleared, 'PATCH /v1/projects/{id}')).toMatchObject({ name: 'After', description: null });
    expect(cleared.headers.get('etag')).toBe('"3"');
  });

  it('answers 412 for a stale or weak If-Match and changes nothing', async () => {
    const caller = personal();
    const item = await createProject(caller, 'Original');
    await callAs(caller, `/v1/projects/${item.id}`, { method: 'PATCH', body: { name: 'Second' } });
    for (const ifMatch of ['"1"', 'W/"2"', 'garbage']) {
      const response = await callAs(caller, `/v1/projects/${item.id}`, {
        method: 'PATCH',
        body: { name: 'Lost update' },
        headers: { 'if-match': ifMatch },
      });
      expect(response.status).toBe(412);
      expect(roundTrips(response)).toBe(1);
      await documented(response, 'PATCH /v1/projects/{id}');
    }
    const current = await callAs(caller, `/v1/projects/${item.id}`);
    expect(current.headers.get('etag')).toBe('"2"');
    expect(await documented(current, 'GET /v1/projects/{id}')).toMatchObject({ name: 'Second' });
  });

  it('lets exactly one of two concurrent updates with the same If-Match win', async () => {
    const caller = personal();
    const item = await createProject(caller, 'Contended');
    const responses = await Promise.all(
      ['A', 'B'].map((name) =>
        callAs(caller, `/v1/projects/${item.id}`, {
          method: 'PATCH',
          body: { name },
          headers: { 'if-match': '"1"' },
        }),
      ),
    );
    expect(responses.map((response) => response.status).sort()).toEqual([200, 412]);
  });

  it('rejects an empty or unknown-field update with 400', async () => {
    const caller = personal();
    const item = await createProject(caller, 'Stable');
    for (const body of [{}, { name: 'x', version: 7 }]) {
      const response = await callAs(caller, `/v1/projects/${item.id}`, { method: 'PATCH', body });
      expect(response.status).toBe(400);
      expect(roundTrips(response)).toBe(0);
      await documented(response, 'PATCH /v1/projects/{id}');
    }
  });

  it('lets organization admins delete organization projects, and answers 403 to members', async () => {
    const org = uniqueId('org');
    const item = await createProject(member(org), 'Shared');
    const denied = await callAs(member(org), `/v1/projects/${item.id}`, { method: 'DELETE' });
    expect(denied.status).toBe(403);
    expect(roundTrips(denied)).toBe(1);
    await documented(denied, 'DELETE /v1/projects/{id}');

    const deleted = await callAs(admin(org), `/v1/projects/${item.id}`, { method: 'DELETE' });
    expect(deleted.status).toBe(204);
    expect(roundTrips(deleted)).toBe(1);
    await documented(deleted, 'DELETE /v1/projects/{id}');
    expect((await callAs(admin(org), `/v1/projects/${item.id}`, { method: 'DELETE' })).status).toBe(404);
    expect((await callAs(member(org), `/v1/projects/${item.id}`)).status).toBe(404);
  });

  it('reads v1 organization claims, including the legacy `admin` role', async () => {
    const org = uniqueId('org');
    const item = await createProject(member(org), 'Legacy');
    const v1 = async (role: string) => {
      const claims = claimsFor(uniqueId('user'), { version: 1, organization: { id: org, role } });
      const headers = { authorization: `Bearer ${await signedToken(claims)}` };
      return call(`/v1/projects/${item.id}`, { method: 'DELETE', headers });
    };
    expect((await v1('org:member')).status).toBe(403);
    expect((await v1('admin')).status).toBe(204);
  });

  it('lets a user delete their personal project', async () => {
    const caller = personal();
    const item = await createProject(caller, 'Mine');
    expect((await callAs(caller, `/v1/projects/${item.id}`, { method: 'DELETE' })).status).toBe(204);
    expect(await ownerProjectCount({ user: caller.sub })).toBe(0);
  });
});

describe('/v1/projects through the typed client (hc<AppType>)', () => {
  it('creates, reads, updates and lists with inferred inputs and outputs', async () => {
    const headers = await sessionHeaders(uniqueId('user'));
    const created = await client.v1.projects.$post({ json: { name: 'Typed' }, header: {} }, { headers });
    expect(created.status).toBe(201);
    if (created.status !== 201) return;
    const item = await created.json();
    expectTypeOf(item.description).toEqualTypeOf<string | null>();

    const fetched = await client.v1.projects[':id'].$get({ param: { id: item.id } }, { headers });
    expect(fetched.headers.get('etag')).toBe('"1"');
    const updated = await client.v1.projects[':id'].$patch(
      { param: { id: item.id }, json: { description: 'now typed' }, header: { 'if-match': '"1"' } },
      { headers },
    );
    expect(updated.status).toBe(200);
    const page = await client.v1.projects.$get({ query: { limit: '10' } }, { headers });
    if (page.status !== 200) throw new Error(`list: ${page.status}`);
    const { data } = await page.json();
    expect(data.map(({ id, description }) => [id, description])).toEqual([[item.id, 'now typed']]);
  });
});
