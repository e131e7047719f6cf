// src/<name>/routes.test.ts: the resource's route tests, run on both drivers in workerd. Every
// response is checked against the OpenAPI document (`documented`), every request's round trips
// (`roundTrips`); the owner variants test the ownership rule they generate.
import type { ResourceNames } from '../names.ts';
import { importLines } from './imports.ts';

/** What the tests import, by the name they use; only the ones a variant's tests use are imported. */
const IMPORTS = {
  sql: 'drizzle-orm',
  describe: 'vitest',
  expect: 'vitest',
  expectTypeOf: 'vitest',
  it: 'vitest',
  executeRows: '../../db/client.ts',
  organizations: '../../db/schema.ts',
  users: '../../db/schema.ts',
  timeBudget: '../../test/budget.ts',
  client: '../../test/client.ts',
  documented: '../../test/contract.ts',
  call: '../../test/helpers.ts',
  organizationRow: '../../test/helpers.ts',
  roundTrips: '../../test/helpers.ts',
  uniqueId: '../../test/helpers.ts',
  userRow: '../../test/helpers.ts',
  withTestDb: '../../test/helpers.ts',
  'orgAdmin as admin': '../../test/sessions.ts',
  callAs: '../../test/sessions.ts',
  claimsFor: '../../test/sessions.ts',
  'orgMember as member': '../../test/sessions.ts',
  'personalCaller as personal': '../../test/sessions.ts',
  sessionHeaders: '../../test/sessions.ts',
  signedToken: '../../test/sessions.ts',
  'type TestCaller': '../../test/sessions.ts',
};

export function routesTestTs(n: ResourceNames): string {
  const { pascal: P, pascalPlural: PP, plural } = n;
  const path = `/v1/${plural}`;
  const org = n.owner === 'organization';
  const user = n.owner === 'user';
  // A caller who may create: anyone for personal resources, a member of a new organization else.
  const anyone = org ? "member(uniqueId('org'))" : 'personal()';
  /** `owner<P>Count`'s argument for the owner of what `caller` creates. */
  const ownerOf = (caller: string, inOrganization: boolean) =>
    inOrganization && !user ? `{ organization: ${caller}.organization!.id }` : `{ user: ${caller}.sub }`;
  const ownCount = (caller: string, inOrganization: boolean) => `owner${P}Count(${ownerOf(caller, inOrganization)})`;
  const a = `${n.a} ${n.singularWords}`;

  const createTest = `  it('creates ${org ? `an organization ${n.singularWords}` : `a personal ${n.singularWords}`} in one round trip, with Location and ETag', async () => {
    const caller = ${anyone};
    const response = await callAs(caller, '${path}', {
      method: 'POST',
      body: { name: 'Launch', description: 'Spring' },
    });
    expect(response.status).toBe(201);
    expect(roundTrips(response)).toBe(1);
    expect(response.headers.get('etag')).toBe('"1"');
    const item = await documented<${P}Body>(response, 'POST ${path}');
    expect(item).toMatchObject({ name: 'Launch', description: 'Spring' });
    expect(response.headers.get('location')).toBe(\`${path}/\${item.id}\`);

    const fetched = await callAs(caller, \`${path}/\${item.id}\`);
    expect(await documented(fetched, 'GET ${path}/{id}')).toEqual(item);
    expect(fetched.headers.get('etag')).toBe('"1"');
  });`;

  const organizationPlaceholder = `    const caller = admin(uniqueId('org'));
    await create${P}(caller, 'First');
    expect(await organizationRow(caller.organization!.id)).toMatchObject({
      isPlaceholder: true,
      sourceVersion: 0,
      sourceEventId: 'placeholder',
      name: null,
      deletedAt: null,
    });`;
  const userPlaceholder = `    const personalCaller = personal();
    await create${P}(personalCaller, 'Mine');
    expect(await userRow(personalCaller.sub)).toMatchObject({ isPlaceholder: true, sourceVersion: 0, email: null });`;
  const placeholderTest = `  it('creates a placeholder owner row when the webhook has not synced the owner yet', async () => {
${{ both: `${organizationPlaceholder}\n${userPlaceholder}`, user: userPlaceholder, organization: organizationPlaceholder }[n.owner]}
  });`;

  const syncedOwnerTest = user
    ? `  it('never overwrites a synced owner row', async () => {
    const caller = personal();
    await withTestDb((db) =>
      db.insert(users).values({
        clerkUserId: caller.sub,
        email: 'ada@example.com',
        sourceVersion: 1_700_000_000_000,
        sourceEventId: 'msg_1',
      }),
    );
    const before = await userRow(caller.sub);
    await Promise.all([create${P}(caller, 'A'), create${P}(caller, 'B')]);
    expect(await userRow(caller.sub)).toEqual(before);
    expect(await ${ownCount('caller', false)}).toBe(2);
  });`
    : `  it('never overwrites a synced owner row', async () => {
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
    await Promise.all([create${P}(member(org), 'A'), create${P}(member(org), 'B')]);
    expect(await organizationRow(org)).toEqual(before);
    expect(await owner${P}Count({ organization: org })).toBe(2);
  });`;

  const ownerListTest = {
    both: `  it('lists only the active owner’s ${n.words}', async () => {
    const org = uniqueId('org');
    const caller = member(org);
    const mine = await create${P}(caller, 'org ${n.singularWords}');
    const own = await create${P}({ sub: caller.sub }, 'personal ${n.singularWords}');
    await create${P}(member(uniqueId('org')), 'another org');
    const inOrg = await documented<{ data: ${P}Body[] }>(await callAs(caller, '${path}'), 'GET ${path}');
    expect(inOrg.data.map((item) => item.id)).toEqual([mine.id]);
    const alone = await documented<{ data: ${P}Body[] }>(
      await callAs({ sub: caller.sub }, '${path}'),
      'GET ${path}',
    );
    expect(alone.data.map((item) => item.id)).toEqual([own.id]);
  });`,
    user: `  it('lists only the caller’s ${n.words}, whichever organization is active', async () => {
    const caller = member(uniqueId('org'));
    const mine = await create${P}(caller, 'in an org');
    const alsoMine = await create${P}({ sub: caller.sub }, 'without one');
    await create${P}(member(caller.organization!.id), 'a colleague’s');
    for (const session of [caller, { sub: caller.sub }]) {
      const page = await documented<{ data: ${P}Body[] }>(await callAs(session, '${path}'), 'GET ${path}');
      expect(page.data.map((item) => item.id)).toEqual([alsoMine.id, mine.id]);
    }
  });`,
    organization: `  it('lists only the active organization’s ${n.words}', async () => {
    const org = uniqueId('org');
    const mine = await create${P}(member(org), 'ours');
    await create${P}(member(uniqueId('org')), 'another org');
    const page = await documented<{ data: ${P}Body[] }>(await callAs(member(org), '${path}'), 'GET ${path}');
    expect(page.data.map((item) => item.id)).toEqual([mine.id]);
  });`,
  }[n.owner];

  const planOwner = user
    ? `{ kind: 'user', clerkUserId: uniqueId('user') } as const`
    : `{ kind: 'organization', clerkOrgId: uniqueId('org') } as const`;
  const planIndex = `${plural}_${user ? 'user' : 'organization'}_id_id_idx`;

  const notFoundTest = {
    both: `  it('answers 404, never 403, for ${a} of another organization or user', async () => {
    const org = uniqueId('org');
    const theirs = await create${P}(admin(org), 'secret');
    const personalOne = await create${P}(personal(), 'private');
    const outsider = admin(uniqueId('org'));
    for (const id of [theirs.id, personalOne.id]) {
      const responses = await Promise.all([
        callAs(outsider, \`${path}/\${id}\`),
        callAs(outsider, \`${path}/\${id}\`, { method: 'PATCH', body: { name: 'mine now' } }),
        callAs(outsider, \`${path}/\${id}\`, { method: 'DELETE' }),
        callAs({ sub: outsider.sub }, \`${path}/\${id}\`),
      ]);
      expect(responses.map((response) => response.status)).toEqual([404, 404, 404, 404]);
      for (const [response, operation] of responses.map((r, i) => [r, ['GET', 'PATCH', 'DELETE', 'GET'][i]] as const)) {
        expect(roundTrips(response)).toBe(1);
        await documented(response, \`\${operation} ${path}/{id}\`);
      }
    }
    // The organization still sees its ${n.singularWords}.
    expect((await callAs(member(org), \`${path}/\${theirs.id}\`)).status).toBe(200);
  });`,
    user: `  it('answers 404, never 403, for another user’s ${n.singularWords}', async () => {
    const owner = member(uniqueId('org'));
    const theirs = await create${P}(owner, 'private');
    // A colleague in the same organization, and the same person elsewhere, are other callers.
    const outsider = admin(owner.organization!.id);
    const responses = await Promise.all([
      callAs(outsider, \`${path}/\${theirs.id}\`),
      callAs(outsider, \`${path}/\${theirs.id}\`, { method: 'PATCH', body: { name: 'mine now' } }),
      callAs(outsider, \`${path}/\${theirs.id}\`, { method: 'DELETE' }),
      callAs({ sub: outsider.sub }, \`${path}/\${theirs.id}\`),
    ]);
    expect(responses.map((response) => response.status)).toEqual([404, 404, 404, 404]);
    for (const [response, operation] of responses.map((r, i) => [r, ['GET', 'PATCH', 'DELETE', 'GET'][i]] as const)) {
      expect(roundTrips(response)).toBe(1);
      await documented(response, \`\${operation} ${path}/{id}\`);
    }
    // The owner still sees it, with or without the organization.
    expect((await callAs({ sub: owner.sub }, \`${path}/\${theirs.id}\`)).status).toBe(200);
  });`,
    organization: `  it('answers 404, never 403, for ${a} of another organization', async () => {
    const org = uniqueId('org');
    const theirs = await create${P}(admin(org), 'secret');
    const outsider = admin(uniqueId('org'));
    const responses = await Promise.all([
      callAs(outsider, \`${path}/\${theirs.id}\`),
      callAs(outsider, \`${path}/\${theirs.id}\`, { method: 'PATCH', body: { name: 'mine now' } }),
      callAs(outsider, \`${path}/\${theirs.id}\`, { method: 'DELETE' }),
      callAs(member(uniqueId('org')), \`${path}/\${theirs.id}\`),
    ]);
    expect(responses.map((response) => response.status)).toEqual([404, 404, 404, 404]);
    for (const [response, operation] of responses.map((r, i) => [r, ['GET', 'PATCH', 'DELETE', 'GET'][i]] as const)) {
      expect(roundTrips(response)).toBe(1);
      await documented(response, \`\${operation} ${path}/{id}\`);
    }
    // The organization still sees its ${n.singularWords}.
    expect((await callAs(member(org), \`${path}/\${theirs.id}\`)).status).toBe(200);
  });`,
  }[n.owner];

  const roleTests = user
    ? `  it('lets the owner delete it, even as a member of an organization: the role rule is for organizations', async () => {
    const caller = member(uniqueId('org'));
    const item = await create${P}(caller, 'Mine');
    const deleted = await callAs(caller, \`${path}/\${item.id}\`, { method: 'DELETE' });
    expect(deleted.status).toBe(204);
    expect(roundTrips(deleted)).toBe(1);
    await documented(deleted, 'DELETE ${path}/{id}');
    expect((await callAs(caller, \`${path}/\${item.id}\`, { method: 'DELETE' })).status).toBe(404);
    expect(await ${ownCount('caller', false)}).toBe(0);
  });`
    : `  it('lets organization admins delete organization ${n.words}, and answers 403 to members', async () => {
    const org = uniqueId('org');
    const item = await create${P}(member(org), 'Shared');
    const denied = await callAs(member(org), \`${path}/\${item.id}\`, { method: 'DELETE' });
    expect(denied.status).toBe(403);
    expect(roundTrips(denied)).toBe(1);
    await documented(denied, 'DELETE ${path}/{id}');

    const deleted = await callAs(admin(org), \`${path}/\${item.id}\`, { method: 'DELETE' });
    expect(deleted.status).toBe(204);
    expect(roundTrips(deleted)).toBe(1);
    await documented(deleted, 'DELETE ${path}/{id}');
    expect((await callAs(admin(org), \`${path}/\${item.id}\`, { method: 'DELETE' })).status).toBe(404);
    expect((await callAs(member(org), \`${path}/\${item.id}\`)).status).toBe(404);
  });

  it('reads v1 organization claims, including the legacy \`admin\` role', async () => {
    const org = uniqueId('org');
    const item = await create${P}(member(org), 'Legacy');
    const v1 = async (role: string) => {
      const claims = claimsFor(uniqueId('user'), { version: 1, organization: { id: org, role } });
      const headers = { authorization: \`Bearer \${await signedToken(claims)}\` };
      return call(\`${path}/\${item.id}\`, { method: 'DELETE', headers });
    };
    expect((await v1('org:member')).status).toBe(403);
    expect((await v1('admin')).status).toBe(204);
  });`;

  const ownerOnlyTest = {
    both: `

  it('lets a user delete their personal ${n.singularWords}', async () => {
    const caller = personal();
    const item = await create${P}(caller, 'Mine');
    expect((await callAs(caller, \`${path}/\${item.id}\`, { method: 'DELETE' })).status).toBe(204);
    expect(await ${ownCount('caller', false)}).toBe(0);
  });`,
    user: '',
    organization: `

  it('answers 403 to a session without an active organization, before reading anything', async () => {
    const caller = personal();
    const id = (await create${P}(admin(uniqueId('org')), 'Shared')).id;
    const requests = [
      ['POST', '${path}', { name: 'x' }],
      ['GET', '${path}', undefined],
      ['GET', \`${path}/\${id}\`, undefined],
      ['PATCH', \`${path}/\${id}\`, { name: 'x' }],
      ['DELETE', \`${path}/\${id}\`, undefined],
    ] as const;
    for (const [method, url, body] of requests) {
      const response = await callAs(caller, url, { method, body });
      expect(response.status).toBe(403);
      expect(roundTrips(response)).toBe(0);
      await documented(response, \`\${method} \${url === '${path}' ? url : '${path}/{id}'}\`);
    }
  });`,
  }[n.owner];

  const typedHeaders = org
    ? "await sessionHeaders(uniqueId('user'), { id: uniqueId('org'), role: 'org:member' })"
    : "await sessionHeaders(uniqueId('user'))";

  const body = `describe('POST ${path}', () => {
${createTest}

${placeholderTest}

${syncedOwnerTest}

  it('answers 400 listing every invalid field, without touching the database', async () => {
    const response = await callAs(${anyone}, '${path}', {
      method: 'POST',
      body: { name: ' ', description: 42, color: 'red', owner: 'me' },
    });
    expect(response.status).toBe(400);
    expect(roundTrips(response)).toBe(0);
    const problem = await documented<{ errors: { path: string }[] }>(response, 'POST ${path}');
    expect(problem.errors.map((error) => error.path).sort()).toEqual([
      'body.color',
      'body.description',
      'body.name',
      'body.owner',
    ]);
  });

  it.each([
    ['a name over 200 characters', { name: 'x'.repeat(201) }],
    ['a NUL character', { name: 'a\\u0000b' }],
    ['an unpaired surrogate', { name: 'a\\ud800b' }],
    ['a missing name', { description: 'no name' }],
    ['an array body', [{ name: 'x' }]],
  ])('rejects %s with 400', async (_, body) => {
    const response = await callAs(${anyone}, '${path}', { method: 'POST', body });
    expect(response.status).toBe(400);
    await documented(response, 'POST ${path}');
  });

  it('answers 415 for a non-JSON content type, 400 for broken JSON, 413 over 64 KiB', async () => {
    const headers = await sessionHeaders(uniqueId('user'));
    const send = (contentType: string, body: string) =>
      call('${path}', { method: 'POST', headers: { ...headers, 'content-type': contentType }, body });
    const responses = await Promise.all([
      send('text/plain', '{"name":"x"}'),
      send('application/x-www-form-urlencoded', 'name=x'),
      send('application/json', '{"name":'),
      send('application/json', JSON.stringify({ name: 'x', description: 'y'.repeat(64 * 1024) })),
    ]);
    expect(responses.map((response) => response.status)).toEqual([415, 415, 400, 413]);
    for (const response of responses) {
      expect(roundTrips(response)).toBe(0);
      await documented(response, 'POST ${path}');
    }
  });
});

describe('POST ${path} with Idempotency-Key', () => {
  const post = (caller: TestCaller, key: string, body: unknown) =>
    callAs(caller, '${path}', { method: 'POST', body, headers: { 'idempotency-key': key } });

  it('returns the original 201 for a retry with the same body and creates nothing', async () => {
    const caller = ${anyone};
    const key = crypto.randomUUID();
    const first = await post(caller, key, { name: 'Once', description: null });
    const original = await documented<${P}Body>(first, 'POST ${path}');
    // Same body, spelled differently: description omitted instead of null.
    const retry = await post(caller, key, { name: 'Once' });
    expect(retry.status).toBe(201);
    expect(roundTrips(retry)).toBe(1);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.headers.get('location')).toBe(first.headers.get('location'));
    expect(await documented(retry, 'POST ${path}')).toEqual(original);
    expect(await ${ownCount('caller', org)}).toBe(1);
  });

  it('answers 422 for the same key with another body', async () => {
    const caller = ${anyone};
    const key = crypto.randomUUID();
    expect((await post(caller, key, { name: 'A' })).status).toBe(201);
    const reused = await post(caller, key, { name: 'B' });
    expect(reused.status).toBe(422);
    expect(roundTrips(reused)).toBe(1);
    expect(await documented(reused, 'POST ${path}')).toMatchObject({ type: '/problems/idempotency-key-reused' });
    expect(await ${ownCount('caller', org)}).toBe(1);
  });

  it('scopes keys to the caller', async () => {
    const key = crypto.randomUUID();
    const [a, b] = [${anyone}, ${anyone}];
    const first = (await (await post(a, key, { name: 'Same' })).json()) as ${P}Body;
    const second = await post(b, key, { name: 'Same' });
    expect(second.status).toBe(201);
    expect(second.headers.get('idempotent-replayed')).toBeNull();
    expect(((await second.json()) as ${P}Body).id).not.toBe(first.id);
  });

  it('creates exactly one ${n.singularWords} for concurrent retries with one key', async () => {
    const caller = admin(uniqueId('org'));
    const key = crypto.randomUUID();
    const responses = await Promise.all(Array.from({ length: 4 }, () => post(caller, key, { name: 'Race' })));
    expect(responses.map((response) => response.status)).toEqual([201, 201, 201, 201]);
    const bodies = await Promise.all(
      responses.map((response) => documented<${P}Body>(response, 'POST ${path}')),
    );
    expect(new Set(bodies.map((body) => body.id)).size).toBe(1);
    expect(responses.filter((response) => response.headers.get('idempotent-replayed')).length).toBe(3);
    expect(await ${ownCount('caller', true)}).toBe(1);
  });

  it('lets an expired key be used again: the next request takes it over', async () => {
    const caller = ${anyone};
    const key = crypto.randomUUID();
    const old = (await (await post(caller, key, { name: 'Old' })).json()) as ${P}Body;
    const keyRecord = sql\`select response from idempotency_keys where response like \${\`%\${old.id}%\`}\`;
    expect(await withTestDb((db) => executeRows(db, keyRecord))).toHaveLength(1);
    await withTestDb((db) =>
      db.execute(
        sql\`update idempotency_keys set expires_at = now() - interval '1 second' where response like \${\`%\${old.id}%\`}\`,
      ),
    );
    const reused = await post(caller, key, { name: 'New' });
    expect(reused.status).toBe(201);
    expect(reused.headers.get('idempotent-replayed')).toBeNull();
    expect(roundTrips(reused)).toBe(1);
    const fresh = await documented<${P}Body>(reused, 'POST ${path}');
    expect(fresh.id).not.toBe(old.id);
    // One record for the key, now holding the new answer; the old ${n.singularWords} stays.
    expect(await withTestDb((db) => executeRows(db, keyRecord))).toHaveLength(0);
    const replay = await post(caller, key, { name: 'New' });
    expect(((await replay.json()) as ${P}Body).id).toBe(fresh.id);
    expect((await callAs(caller, \`${path}/\${old.id}\`)).status).toBe(200);
  });

  it('rejects a malformed key with 400', async () => {
    const response = await post(${anyone}, 'has spaces in it', { name: 'x' });
    expect(response.status).toBe(400);
    expect(await documented(response, 'POST ${path}')).toMatchObject({
      errors: [{ path: 'header.idempotency-key' }],
    });
  });
});

describe('GET ${path}', () => {
  // 12 creates, then up to 20 pages each racing one more create.
  it('pages newest first across concurrent inserts without duplicates or gaps', {
    timeout: timeBudget({ requests: 12 + 2 * 20 }),
  }, async () => {
    const caller = member(uniqueId('org'));
    const existing: string[] = [];
    for (let i = 0; i < 12; i += 1) existing.push((await create${P}(caller, \`p\${i}\`)).id);

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor ? \`?limit=5&cursor=\${cursor}\` : '?limit=5';
      // A new ${n.singularWords} lands while every page is being read.
      const [response] = await Promise.all([
        callAs(caller, \`${path}\${query}\`),
        create${P}(caller, \`concurrent \${pages}\`),
      ]);
      expect(roundTrips(response)).toBe(1);
      const page = await documented<{ data: ${P}Body[]; nextCursor: string | null }>(response, 'GET ${path}');
      expect(page.data.length).toBeLessThanOrEqual(5);
      seen.push(...page.data.map((item) => item.id));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor && pages < 20);

    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual([...seen].sort().reverse());
    expect(seen).toEqual(expect.arrayContaining(existing));
  });

${ownerListTest}

  it.each([
    ['limit=0', 'query.limit'],
    ['limit=101', 'query.limit'],
    ['limit=abc', 'query.limit'],
    ['limit=1&limit=2', 'query.limit'],
    ['cursor=not-a-cursor', 'query.cursor'],
    ['cursor=AAAAAAAAAAAAAAAAAAAAAA%3D', 'query.cursor'],
    ['sort=name', 'query.sort'],
  ])('answers 400 for ?%s', async (query, path) => {
    const response = await callAs(${anyone}, \`${path}?\${query}\`);
    expect(response.status).toBe(400);
    expect(roundTrips(response)).toBe(0);
    const problem = await documented<{ errors: { path: string }[] }>(response, 'GET ${path}');
    expect(problem.errors.map((error) => error.path)).toEqual([path]);
  });

  it('reads in index order: the owner’s ${n.owner === 'both' ? 'partial ' : ''}index, no sort', async () => {
    const plan = await withTestDb(async (db) => {
      // Whatever the table's statistics: with sorts and the other scans priced out, a plan
      // without a Sort exists only if ORDER BY matches the owner index's order.
      await db.execute(sql\`set enable_seqscan = off\`);
      await db.execute(sql\`set enable_bitmapscan = off\`);
      await db.execute(sql\`set enable_sort = off\`);
      const owner = ${planOwner};
      const query = list${PP}(db, owner, { limit: 20, before: '01900000-0000-7000-8000-000000000000' });
      return executeRows<{ 'QUERY PLAN': string }>(db, sql\`explain \${query}\`);
    });
    const text = plan.map((row) => row['QUERY PLAN']).join('\\n');
    expect(text).toContain('${planIndex}');
    expect(text).not.toMatch(/\\bSort\\b/);
  });
});

describe('GET, PATCH, DELETE ${path}/{id}', () => {
${notFoundTest}

  it('answers 400 for a malformed id', async () => {
    const responses = await Promise.all([
      callAs(${anyone}, '${path}/not-a-uuid'),
      callAs(${anyone}, '${path}/123', { method: 'DELETE' }),
    ]);
    expect(responses.map((response) => response.status)).toEqual([400, 400]);
    expect(await documented(responses[0]!, 'GET ${path}/{id}')).toMatchObject({ errors: [{ path: 'path.id' }] });
    await documented(responses[1]!, 'DELETE ${path}/{id}');
  });

  it('updates with a matching If-Match and bumps the ETag', async () => {
    const caller = member(uniqueId('org'));
    const item = await create${P}(caller, 'Before');
    const response = await callAs(caller, \`${path}/\${item.id}\`, {
      method: 'PATCH',
      body: { name: 'After', description: 'now described' },
      headers: { 'if-match': '"1"' },
    });
    expect(response.status).toBe(200);
    expect(roundTrips(response)).toBe(1);
    expect(response.headers.get('etag')).toBe('"2"');
    const updated = await documented<${P}Body>(response, 'PATCH ${path}/{id}');
    expect(updated).toMatchObject({ id: item.id, name: 'After', description: 'now described' });
    expect(updated.createdAt).toBe(item.createdAt);

    const cleared = await callAs(caller, \`${path}/\${item.id}\`, {
      method: 'PATCH',
      body: { description: null },
      headers: { 'if-match': '*' },
    });
    expect(await documented(cleared, 'PATCH ${path}/{id}')).toMatchObject({ name: 'After', description: null });
    expect(cleared.headers.get('etag')).toBe('"3"');
  });

  it('answers 412 for a stale or weak If-Match and changes nothing', async () => {
    const caller = ${anyone};
    const item = await create${P}(caller, 'Original');
    await callAs(caller, \`${path}/\${item.id}\`, { method: 'PATCH', body: { name: 'Second' } });
    for (const ifMatch of ['"1"', 'W/"2"', 'garbage']) {
      const response = await callAs(caller, \`${path}/\${item.id}\`, {
        method: 'PATCH',
        body: { name: 'Lost update' },
        headers: { 'if-match': ifMatch },
      });
      expect(response.status).toBe(412);
      expect(roundTrips(response)).toBe(1);
      await documented(response, 'PATCH ${path}/{id}');
    }
    const current = await callAs(caller, \`${path}/\${item.id}\`);
    expect(current.headers.get('etag')).toBe('"2"');
    expect(await documented(current, 'GET ${path}/{id}')).toMatchObject({ name: 'Second' });
  });

  it('lets exactly one of two concurrent updates with the same If-Match win', async () => {
    const caller = ${anyone};
    const item = await create${P}(caller, 'Contended');
    const responses = await Promise.all(
      ['A', 'B'].map((name) =>
        callAs(caller, \`${path}/\${item.id}\`, {
          method: 'PATCH',
          body: { name },
          headers: { 'if-match': '"1"' },
        }),
      ),
    );
    expect(responses.map((response) => response.status).sort()).toEqual([200, 412]);
  });

  it('rejects an empty or unknown-field update with 400', async () => {
    const caller = ${anyone};
    const item = await create${P}(caller, 'Stable');
    for (const body of [{}, { name: 'x', version: 7 }]) {
      const response = await callAs(caller, \`${path}/\${item.id}\`, { method: 'PATCH', body });
      expect(response.status).toBe(400);
      expect(roundTrips(response)).toBe(0);
      await documented(response, 'PATCH ${path}/{id}');
    }
  });

${roleTests}${ownerOnlyTest}
});

describe('${path} through the typed client (hc<AppType>)', () => {
  it('creates, reads, updates and lists with inferred inputs and outputs', async () => {
    const headers = ${typedHeaders};
    const created = await client.v1.${plural}.$post({ json: { name: 'Typed' }, header: {} }, { headers });
    expect(created.status).toBe(201);
    if (created.status !== 201) return;
    const item = await created.json();
    expectTypeOf(item.description).toEqualTypeOf<string | null>();

    const fetched = await client.v1.${plural}[':id'].$get({ param: { id: item.id } }, { headers });
    expect(fetched.headers.get('etag')).toBe('"1"');
    const updated = await client.v1.${plural}[':id'].$patch(
      { param: { id: item.id }, json: { description: 'now typed' }, header: { 'if-match': '"1"' } },
      { headers },
    );
    expect(updated.status).toBe(200);
    const page = await client.v1.${plural}.$get({ query: { limit: '10' } }, { headers });
    if (page.status !== 200) throw new Error(\`list: \${page.status}\`);
    const { data } = await page.json();
    expect(data.map(({ id, description }) => [id, description])).toEqual([[item.id, 'now typed']]);
  });
});
`;
  const local = {
    [`list${PP}`]: './queries.ts',
    [`create${P}`]: './testing.ts',
    [`owner${P}Count`]: './testing.ts',
    [`type ${P}Body`]: './testing.ts',
  };
  return `${importLines(body, { ...IMPORTS, ...local })}\n${body}`;
}
