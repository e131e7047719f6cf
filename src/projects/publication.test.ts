// Publishing, the public read model in KV, and the consistency rules between KV and Postgres
// (src/projects/public-page.ts). Changes reach KV after their response: `settled` waits for that.
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { executeRows } from '../../db/client.ts';
import { clerkEvents } from '../../scripts/lib/clerk-events.ts';
import { timeBudget } from '../../test/budget.ts';
import { documented } from '../../test/contract.ts';
import { roundTrips, testDb, uniqueId, withTestDb } from '../../test/helpers.ts';
import { orgAdmin as admin, orgMember as member, personalCaller as personal } from '../../test/sessions.ts';
import { deliver } from '../../test/webhooks.ts';
import worker from '../index.ts';
import { repairPages } from './maintenance.ts';
import {
  FILL_DEADLINE_MS,
  fillPage,
  MARKER_TTL_SECONDS,
  PAGE_TTL_SECONDS,
  pageKey,
  publishedEntry,
  recordChange,
  recordUnpublished,
} from './public-page.ts';
import { readPublicPage, readPublicPageStatement } from './publication-queries.ts';
import { createProject, publish, settled, settledJson, storedEntry, uniqueSlug } from './testing.ts';

type Page = { slug: string; name: string; description: string | null; assets: unknown[] };

const read = (slug: string, headers: Record<string, string> = {}) => settled(`/p/${slug}`, { headers });

describe('PUT /v1/projects/{id}/publication', () => {
  it('publishes under a lower-cased slug; the first read fills KV, the next costs no round trip', async () => {
    const caller = personal();
    const project = await createProject(caller, 'Launch');
    const slug = uniqueSlug('Launch-Plan');
    const response = await settledJson(caller, `/v1/projects/${project.id}/publication`, 'PUT', { slug });
    expect(response.status).toBe(200);
    expect(roundTrips(response)).toBe(1);
    const publication = await documented<{ slug: string; href: string }>(response, 'PUT /v1/projects/{id}/publication');
    const lower = slug.toLowerCase();
    expect(publication).toMatchObject({ slug: lower, href: `/p/${lower}` });
    // The change left a marker: the first read goes to Postgres once and fills KV.
    expect((await storedEntry(lower)).metadata).toMatchObject({ state: 'changed' });
    const miss = await read(lower);
    expect(miss.status).toBe(200);
    expect(roundTrips(miss)).toBe(1);
    const page = await documented<Page>(miss, 'GET /p/{slug}');
    expect(page).toEqual({
      slug: lower,
      name: 'Launch',
      description: null,
      publishedAt: expect.any(String),
      updatedAt: project.updatedAt,
      assets: [],
    });
    const hit = await read(slug.toUpperCase());
    expect(hit.status).toBe(200);
    expect(roundTrips(hit)).toBe(0);
    expect(await documented(hit, 'GET /p/{slug}')).toEqual(page);
    expect(hit.headers.get('etag')).toBe(miss.headers.get('etag'));
    expect(hit.headers.get('cache-control')).toBe('public, max-age=60');
  });

  it('answers 304 to If-None-Match with the current ETag, from KV', async () => {
    const caller = personal();
    const slug = uniqueSlug('etag');
    await publish(caller, (await createProject(caller, 'Cached')).id, slug);
    const etag = (await read(slug)).headers.get('etag')!;
    for (const ifNoneMatch of [etag, `W/${etag}`, `"0", ${etag}`, '*']) {
      const response = await read(slug, { 'if-none-match': ifNoneMatch });
      expect(response.status).toBe(304);
      expect(roundTrips(response)).toBe(0);
      expect(response.headers.get('etag')).toBe(etag);
      await documented(response, 'GET /p/{slug}');
    }
    expect((await read(slug, { 'if-none-match': '"0"' })).status).toBe(200);
  });

  it('keeps slugs unique whatever their case, and lets a project move to another slug', async () => {
    const [first, second] = [personal(), personal()];
    const mine = await createProject(first, 'Mine');
    const slug = uniqueSlug('taken');
    const published = await publish(first, mine.id, slug);
    const theirs = await createProject(second, 'Theirs');
    const conflict = await settledJson(second, `/v1/projects/${theirs.id}/publication`, 'PUT', {
      slug: slug.toUpperCase(),
    });
    expect(conflict.status).toBe(409);
    expect(await documented(conflict, 'PUT /v1/projects/{id}/publication')).toMatchObject({
      type: '/problems/conflict',
    });
    // Publishing again under the same slug keeps its date.
    expect((await publish(first, mine.id, slug)).publishedAt).toBe(published.publishedAt);

    const moved = uniqueSlug('moved');
    await publish(first, mine.id, moved);
    const old = await read(slug);
    expect(old.status).toBe(404);
    expect(roundTrips(old)).toBe(0);
    expect((await read(moved)).status).toBe(200);
    // The old slug is free now.
    expect((await publish(second, theirs.id, slug)).slug).toBe(slug);
    expect(await ((await read(slug)).json() as Promise<Page>)).toMatchObject({ name: 'Theirs' });
  });

  it.each([
    ['too short', 'ab'],
    ['too long', 'a'.repeat(64)],
    ['a leading hyphen', '-abc'],
    ['a double hyphen', 'ab--cd'],
    ['an underscore', 'ab_cd'],
    ['a slash', 'ab/cd'],
    ['a NUL', 'ab\u0000cd'],
    ['the Kelvin sign, which lower-cases to k', 'kelvin-\u212a'],
    ['a number', 42],
  ])('rejects a slug with %s (400)', async (_, slug) => {
    const caller = personal();
    const project = await createProject(caller, 'Bad slug');
    const response = await settledJson(caller, `/v1/projects/${project.id}/publication`, 'PUT', { slug });
    expect(response.status).toBe(400);
    expect(await documented(response, 'PUT /v1/projects/{id}/publication')).toMatchObject({
      errors: [{ path: 'body.slug' }],
    });
  });

  it('follows the rules of DELETE: members 403, other owners 404', async () => {
    const org = uniqueId('org');
    const project = await createProject(member(org), 'Shared');
    for (const method of ['PUT', 'DELETE']) {
      const path = `/v1/projects/${project.id}/publication`;
      const denied = await settledJson(member(org), path, method, { slug: uniqueSlug('denied') });
      expect(denied.status).toBe(403);
      expect(roundTrips(denied)).toBe(1);
      await documented(denied, `${method} /v1/projects/{id}/publication`);
      const hidden = await settledJson(admin(uniqueId('org')), path, method, { slug: uniqueSlug('hidden') });
      expect(hidden.status).toBe(404);
    }
    expect((await publish(admin(org), project.id, uniqueSlug('admin'))).slug).toMatch(/^admin-/);
  });
});

describe('GET /p/{slug}', () => {
  it('answers 404 for a slug nothing is published at, after one round trip, writing nothing', async () => {
    const slug = uniqueSlug('nothing');
    const response = await read(slug);
    expect(response.status).toBe(404);
    expect(roundTrips(response)).toBe(1);
    await documented(response, 'GET /p/{slug}');
    expect((await storedEntry(slug)).entry).toBeNull();
  });

  it('shows only the public projection', async () => {
    const caller = admin(uniqueId('org'));
    const project = await createProject(caller, 'Projection');
    const slug = uniqueSlug('projection');
    await publish(caller, project.id, slug);
    const body = JSON.stringify(await (await read(slug)).json());
    for (const internal of [project.id, caller.organization!.id, caller.sub, 'version', 'organizationId', 'userId']) {
      expect(body).not.toContain(internal);
    }
  });

  it('rejects a malformed slug with 400 before any read', async () => {
    for (const slug of ['a', 'x'.repeat(64), 'a_b', '%00abc', 'a..b']) {
      const response = await read(slug);
      expect(response.status).toBe(400);
      expect(roundTrips(response)).toBe(0);
      await documented(response, 'GET /p/{slug}');
    }
  });
});

describe('every change reaches KV after it commits', () => {
  it('rename: the next read shows the new name (one round trip), then KV serves it', async () => {
    const caller = personal();
    const project = await createProject(caller, 'Before');
    const slug = uniqueSlug('rename');
    await publish(caller, project.id, slug);
    await read(slug);
    const renamed = await settledJson(caller, `/v1/projects/${project.id}`, 'PATCH', { name: 'After' });
    expect(renamed.status).toBe(200);
    expect(roundTrips(renamed)).toBe(1);
    const miss = await read(slug);
    expect(roundTrips(miss)).toBe(1);
    expect(await miss.json()).toMatchObject({ name: 'After' });
    const hit = await read(slug);
    expect(roundTrips(hit)).toBe(0);
    expect(await hit.json()).toMatchObject({ name: 'After' });
  });

  it('unpublish and delete: 404 from KV at once, no round trip', async () => {
    const caller = personal();
    const [kept, deleted] = [await createProject(caller, 'Unpublished'), await createProject(caller, 'Deleted')];
    const [slugA, slugB] = [uniqueSlug('unpub'), uniqueSlug('deleted')];
    await publish(caller, kept.id, slugA);
    await publish(caller, deleted.id, slugB);
    await Promise.all([read(slugA), read(slugB)]);

    const unpublished = await settled(`/v1/projects/${kept.id}/publication`, { caller, method: 'DELETE' });
    expect(unpublished.status).toBe(204);
    expect(roundTrips(unpublished)).toBe(1);
    await documented(unpublished, 'DELETE /v1/projects/{id}/publication');
    expect((await settled(`/v1/projects/${deleted.id}`, { caller, method: 'DELETE' })).status).toBe(204);

    for (const slug of [slugA, slugB]) {
      const response = await read(slug);
      expect(response.status).toBe(404);
      expect(roundTrips(response)).toBe(0);
      expect((await storedEntry(slug)).metadata).toMatchObject({ state: 'unpublished' });
    }
    // Unpublishing what is not published is not an error.
    expect((await settled(`/v1/projects/${kept.id}/publication`, { caller, method: 'DELETE' })).status).toBe(204);
  });

  it('takes a new version after the row lock, so a change that waited is newer than the one it waited for', async () => {
    const caller = personal();
    const project = await createProject(caller, 'Locked');
    const slug = uniqueSlug('locked');
    await publish(caller, project.id, slug);
    const { db, close } = testDb();
    try {
      // Another transaction holds the row and takes a version first.
      await db.execute(sql`begin`);
      const [held] = await executeRows<{ version: string }>(
        db,
        sql`update projects set public_version = nextval('projects_public_version_seq')
            where id = ${project.id} returning public_version::text as version`,
      );
      const patch = settledJson(caller, `/v1/projects/${project.id}`, 'PATCH', { name: 'Waited' });
      await new Promise((resolve) => setTimeout(resolve, 500));
      await db.execute(sql`commit`);
      expect((await patch).status).toBe(200);
      expect((await storedEntry(slug)).metadata!.version).toBeGreaterThan(Number(held!.version));
    } finally {
      await close();
    }
  });
});

describe('the versioned entries', () => {
  it('never let an older write replace a newer entry', async () => {
    const caller = personal();
    const project = await createProject(caller, 'Versions');
    const slug = uniqueSlug('versions');
    await publish(caller, project.id, slug);
    const page = await withTestDb((db) => readPublicPage(db, slug));
    const current = publishedEntry(page!);
    const kv = env.PROJECT_PAGES;
    const older = { ...current, version: current.version - 1 };

    // The publication's marker has the same version: the content of that version replaces it.
    expect(await fillPage(kv, current, Date.now())).toBe('written');
    expect(await fillPage(kv, older, Date.now())).toBe('kept-newer');
    expect(await recordChange(kv, slug, current.version - 1)).toBe('kept-newer');
    expect(await fillPage(kv, current, Date.now())).toBe('kept-newer');
    expect(await recordChange(kv, slug, current.version + 1)).toBe('written');
    expect(await fillPage(kv, current, Date.now())).toBe('kept-newer');
    expect(await fillPage(kv, { ...current, version: current.version + 1 }, Date.now() - FILL_DEADLINE_MS - 1)).toBe(
      'dropped-late',
    );
    expect((await storedEntry(slug)).metadata).toEqual({ version: current.version + 1, state: 'changed' });
  });

  it('never let a late fill undo an unpublish or a delete', async () => {
    const caller = personal();
    const [unpublished, deleted] = [await createProject(caller, 'Late A'), await createProject(caller, 'Late B')];
    const [slugA, slugB] = [uniqueSlug('late-unpub'), uniqueSlug('late-delete')];
    await publish(caller, unpublished.id, slugA);
    await publish(caller, deleted.id, slugB);
    // Two misses read Postgres and are held before their KV writes...
    const [readA, readB] = await withTestDb((db) =>
      Promise.all([readPublicPage(db, slugA), readPublicPage(db, slugB)]),
    );
    const readStartedAt = Date.now();
    // ...while the unpublish and the delete commit and write their tombstones...
    await settled(`/v1/projects/${unpublished.id}/publication`, { caller, method: 'DELETE' });
    await settled(`/v1/projects/${deleted.id}`, { caller, method: 'DELETE' });
    // ...then the fills arrive.
    expect(await fillPage(env.PROJECT_PAGES, publishedEntry(readA!), readStartedAt)).toBe('kept-newer');
    expect(await fillPage(env.PROJECT_PAGES, publishedEntry(readB!), readStartedAt)).toBe('kept-newer');
    for (const slug of [slugA, slugB]) {
      const response = await read(slug);
      expect(response.status).toBe(404);
      expect(roundTrips(response)).toBe(0);
    }
  });

  it('expire: pages after a day, markers and tombstones after an hour', async () => {
    const caller = personal();
    const slug = uniqueSlug('expiry');
    const project = await createProject(caller, 'Expiry');
    await publish(caller, project.id, slug);
    const expiration = async () =>
      (await env.PROJECT_PAGES.list({ prefix: pageKey(slug) })).keys.find((key) => key.name === pageKey(slug))
        ?.expiration;
    const now = Date.now() / 1000;
    expect(await expiration()).toBeCloseTo(now + MARKER_TTL_SECONDS, -2);
    await read(slug);
    expect(await expiration()).toBeCloseTo(now + PAGE_TTL_SECONDS, -2);
    await recordUnpublished(env.PROJECT_PAGES, slug, Number.MAX_SAFE_INTEGER);
    expect(await expiration()).toBeCloseTo(now + MARKER_TTL_SECONDS, -2);
  });

  it('are read from Postgres past Hyperdrive’s query cache (a volatile function in the statement)', async () => {
    const query = new PgDialect().sqlToQuery(readPublicPageStatement('any-slug'));
    expect(query.sql).toContain('clock_timestamp()');
    const [volatility] = await withTestDb((db) =>
      executeRows<{ provolatile: string }>(db, sql`select provolatile from pg_proc where proname = 'clock_timestamp'`),
    );
    expect(volatility?.provolatile).toBe('v');
  });
});

describe('the scheduled repair', { timeout: timeBudget({ requests: 40 }) }, () => {
  const repairAll = () =>
    withTestDb(async (db) => {
      await env.PROJECT_PAGES.delete('projects/cursors/page-repair');
      return repairPages(db, env, { batchSize: 1_000, maxBatches: 100, graceMs: 0 });
    });

  it('rewrites entries older than Postgres and tombstones slugs published nowhere', async () => {
    const caller = personal();
    const [stale, gone] = [await createProject(caller, 'Stale'), await createProject(caller, 'Gone')];
    const [staleSlug, goneSlug] = [uniqueSlug('stale'), uniqueSlug('gone')];
    await publish(caller, stale.id, staleSlug);
    await publish(caller, gone.id, goneSlug);
    await Promise.all([read(staleSlug), read(goneSlug)]);
    // Changes whose KV writes were lost: made in Postgres only.
    await withTestDb(async (db) => {
      await db.execute(
        sql`update projects set name = 'Fresh', public_version = nextval('projects_public_version_seq') where id = ${stale.id}`,
      );
      await db.execute(
        sql`update projects set public_slug = null, published_at = null, public_version = nextval('projects_public_version_seq') where id = ${gone.id}`,
      );
    });
    expect(await (await read(staleSlug)).json()).toMatchObject({ name: 'Stale' });
    expect((await read(goneSlug)).status).toBe(200);

    const report = await repairAll();
    expect(report.complete).toBe(true);
    expect(report.written).toBeGreaterThanOrEqual(1);
    expect(report.tombstoned).toBeGreaterThanOrEqual(1);
    const fresh = await read(staleSlug);
    expect(roundTrips(fresh)).toBe(0);
    expect(await fresh.json()).toMatchObject({ name: 'Fresh' });
    const removed = await read(goneSlug);
    expect(removed.status).toBe(404);
    expect(roundTrips(removed)).toBe(0);
    // A second run finds nothing to do for them.
    await repairAll();
    expect((await storedEntry(staleSlug)).metadata).toMatchObject({ state: 'published' });
  });

  it('takes down the pages of a deleted owner and frees their slugs', async () => {
    const caller = personal();
    const project = await createProject(caller, 'Owner leaves');
    const slug = uniqueSlug('owner-deleted');
    await publish(caller, project.id, slug);
    await read(slug);
    expect((await deliver(clerkEvents.userDeleted(caller.sub, Date.now()))).outcome).toBe('applied');
    // Postgres no longer shows it: a miss is a 404 already; KV holds the page until the repair.
    expect(await withTestDb((db) => readPublicPage(db, slug))).toBeUndefined();

    const report = await repairAll();
    expect(report.unpublished).toBeGreaterThanOrEqual(1);
    const response = await read(slug);
    expect(response.status).toBe(404);
    expect(roundTrips(response)).toBe(0);
    const [row] = await withTestDb((db) =>
      executeRows<{ public_slug: string | null }>(db, sql`select public_slug from projects where id = ${project.id}`),
    );
    expect(row?.public_slug).toBeNull();
    const next = personal();
    expect((await publish(next, (await createProject(next, 'New holder')).id, slug)).slug).toBe(slug);
  });

  it('runs from the Cron Trigger', async () => {
    const caller = personal();
    const project = await createProject(caller, 'Cron');
    const slug = uniqueSlug('cron');
    await publish(caller, project.id, slug);
    await env.PROJECT_PAGES.delete('projects/cursors/page-repair');
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ cron: '*/30 * * * *', scheduledTime: new Date() }), env, ctx);
    await waitOnExecutionContext(ctx);
    // The publication's marker became the page itself.
    expect((await storedEntry(slug)).metadata).toMatchObject({ state: 'published' });
    expect(roundTrips(await read(slug))).toBe(0);
  });
});
