// Assets: uploads streamed into R2 with their metadata in Postgres, public downloads through the
// page in KV (304, 206), hostile names and bodies, and the orphan sweep (src/projects/assets.ts).
import { env } from 'cloudflare:workers';
import { sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { describe, expect, it } from 'vitest';
import { executeRows } from '../../db/client.ts';
import { timeBudget } from '../../test/budget.ts';
import { documented } from '../../test/contract.ts';
import { roundTrips, uniqueId, withTestDb } from '../../test/helpers.ts';
import { orgAdmin as admin, orgMember as member, personalCaller as personal } from '../../test/sessions.ts';
import { ConfigError } from '../config.ts';
import { ASSET_KEY_PREFIX, assetConfig, DEFAULT_MAX_ASSET_BYTES, IMMUTABLE_CACHE_CONTROL } from './assets.ts';
import { sweepAssets } from './maintenance.ts';
import {
  createProject,
  documentedFile,
  fileOf,
  publish,
  settled,
  sha256Hex,
  storedEntry,
  uniqueSlug,
  upload,
} from './testing.ts';

type AssetBody = { name: string; contentType: string; size: number; sha256: string; uploadedAt: string };
type PageBody = { assets: { name: string; sha256: string; href: string; size: number }[] };

const UPLOAD = 'PUT /v1/projects/{id}/assets/{name}';
const DOWNLOAD = 'GET /p/{slug}/assets/{name}';

/** R2's keys (this test run's bucket) and the asset rows of `projectId`. */
async function stored(projectId: string) {
  const listed = await env.PROJECT_ASSETS.list({ prefix: ASSET_KEY_PREFIX });
  const rows = await withTestDb((db) =>
    executeRows<{ object_key: string; name: string; sha256: string }>(
      db,
      sql`select object_key, name, sha256 from project_assets where project_id = ${projectId} order by name`,
    ),
  );
  return { objects: listed.objects.map((object) => object.key).sort(), rows };
}

/** A published project of a new personal caller. */
async function publishedProject(name: string) {
  const caller = personal();
  const project = await createProject(caller, name);
  const slug = uniqueSlug(name.toLowerCase().replaceAll(' ', '-'));
  await publish(caller, project.id, slug);
  return { caller, project, slug };
}

describe('PUT /v1/projects/{id}/assets/{name}', () => {
  it('streams the file into R2 and stores its metadata, in one round trip', async () => {
    const caller = personal();
    const project = await createProject(caller, 'Uploads');
    const bytes = fileOf('image/png', 200_000);
    const response = await upload(caller, project.id, 'cover.png', bytes, 'image/png');
    expect(response.status).toBe(201);
    expect(roundTrips(response)).toBe(1);
    const asset = await documented<AssetBody>(response, UPLOAD);
    expect(asset).toMatchObject({ name: 'cover.png', contentType: 'image/png', size: 200_000 });
    expect(asset.sha256).toBe(await sha256Hex(bytes));
    const { rows } = await stored(project.id);
    expect(rows).toEqual([
      {
        object_key: expect.stringMatching(/^projects\/assets\/[0-9a-f-]{36}$/),
        name: 'cover.png',
        sha256: asset.sha256,
      },
    ]);
    const object = await env.PROJECT_ASSETS.get(rows[0]!.object_key);
    expect(new Uint8Array(await object!.arrayBuffer())).toEqual(bytes);
    expect(object!.httpMetadata).toMatchObject({ contentType: 'image/png', cacheControl: IMMUTABLE_CACHE_CONTROL });
  });

  it('accepts a body without Content-Length (read within the limit, then stored)', async () => {
    const caller = personal();
    const project = await createProject(caller, 'Chunked');
    const bytes = fileOf('application/pdf', 70_000);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let at = 0; at < bytes.byteLength; at += 16_384) controller.enqueue(bytes.slice(at, at + 16_384));
        controller.close();
      },
    });
    const response = await settled(`/v1/projects/${project.id}/assets/brief.pdf`, {
      caller,
      method: 'PUT',
      body,
      headers: { 'content-type': 'application/pdf' },
    });
    expect(response.status).toBe(201);
    expect((await documented<AssetBody>(response, UPLOAD)).sha256).toBe(await sha256Hex(bytes));
  });

  it('replaces an asset of the same name and deletes the replaced object', async () => {
    const caller = personal();
    const project = await createProject(caller, 'Replace');
    await upload(caller, project.id, 'logo.png', fileOf('image/png', 1_000), 'image/png');
    const [first] = (await stored(project.id)).rows;
    const second = fileOf('image/jpeg', 2_000);
    const response = await upload(caller, project.id, 'logo.png', second, 'image/jpeg');
    expect(response.status).toBe(200);
    expect(await documented(response, UPLOAD)).toMatchObject({ contentType: 'image/jpeg', size: 2_000 });
    const after = await stored(project.id);
    expect(after.rows).toHaveLength(1);
    expect(after.rows[0]!.object_key).not.toBe(first!.object_key);
    expect(after.objects).toContain(after.rows[0]!.object_key);
    expect(after.objects).not.toContain(first!.object_key);
  });

  it.each([
    ['`..`', 'a..png'],
    ['an encoded slash', 'a%2Fb.png'],
    ['an encoded backslash', 'a%5Cb.png'],
    ['NUL', 'a%00.png'],
    ['a leading dot', '.htaccess'],
    ['a space', 'a%20b.png'],
    ['101 characters', `${'a'.repeat(97)}.png`],
  ])('rejects a name with %s (400) and stores nothing', async (_, name) => {
    const caller = personal();
    const project = await createProject(caller, 'Bad names');
    const before = await stored(project.id);
    const response = await upload(caller, project.id, name, fileOf('image/png', 100), 'image/png');
    expect(response.status).toBe(400);
    expect(roundTrips(response)).toBe(0);
    expect(await documented(response, UPLOAD)).toMatchObject({ errors: [{ path: 'path.name' }] });
    expect(await stored(project.id)).toEqual(before);
  });

  it('answers a literal slash in the name as a route that does not exist', async () => {
    const caller = personal();
    const project = await createProject(caller, 'Slash');
    const response = await upload(caller, project.id, '../../etc/passwd', fileOf('image/png', 100), 'image/png');
    expect(response.status).toBe(404);
  });

  it('answers 413 to an oversized body, with or without Content-Length, and stores nothing', async () => {
    const caller = personal();
    const project = await createProject(caller, 'Too big');
    const before = await stored(project.id);
    const bytes = fileOf('image/png', DEFAULT_MAX_ASSET_BYTES + 1);
    const declared = await upload(caller, project.id, 'big.png', bytes, 'image/png');
    const streamed = await settled(`/v1/projects/${project.id}/assets/big.png`, {
      caller,
      method: 'PUT',
      body: new Blob([bytes]).stream(),
      headers: { 'content-type': 'image/png' },
    });
    for (const response of [declared, streamed]) {
      expect(response.status).toBe(413);
      expect(roundTrips(response)).toBe(0);
      await documented(response, UPLOAD);
    }
    expect(await stored(project.id)).toEqual(before);
  });

  it.each([
    ['HTML', 'text/html', fileOf('image/png', 100)],
    ['SVG', 'image/svg+xml', new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>')],
    ['no Content-Type', '', fileOf('image/png', 100)],
    ['an unknown type', 'application/octet-stream', fileOf('image/png', 100)],
    ['HTML labelled PNG', 'image/png', new TextEncoder().encode('<!doctype html><script>alert(1)</script>')],
    ['a PDF labelled JPEG', 'image/jpeg', fileOf('application/pdf', 100)],
    ['a body shorter than its signature', 'image/png', fileOf('image/png', 4)],
  ])('answers 415 to %s and stores nothing', async (_, type, bytes) => {
    const caller = personal();
    const project = await createProject(caller, 'Wrong type');
    const before = await stored(project.id);
    const response = await upload(caller, project.id, 'file.png', bytes, type);
    expect(response.status).toBe(415);
    expect(await documented(response, UPLOAD)).toMatchObject({ type: '/problems/unsupported-media-type' });
    expect(await stored(project.id)).toEqual(before);
  });

  it('answers 400 to a body shorter than its Content-Length, and stores nothing', async () => {
    const caller = personal();
    const project = await createProject(caller, 'Short');
    const before = await stored(project.id);
    const bytes = fileOf('image/png', 1_000);
    const response = await settled(`/v1/projects/${project.id}/assets/short.png`, {
      caller,
      method: 'PUT',
      body: new Blob([bytes]).stream(),
      headers: { 'content-type': 'image/png', 'content-length': '2000' },
    });
    expect(response.status).toBe(400);
    expect(await documented(response, UPLOAD)).toMatchObject({ detail: 'The body ended before its Content-Length.' });
    expect(await stored(project.id)).toEqual(before);
  });

  it('answers 400 to an empty body', async () => {
    const caller = personal();
    const project = await createProject(caller, 'Empty');
    const response = await upload(caller, project.id, 'empty.png', new Uint8Array(0), 'image/png');
    expect(response.status).toBe(400);
    await documented(response, UPLOAD);
  });

  it('follows the project rules: members 403, other owners and unknown projects 404, nothing kept', async () => {
    const org = uniqueId('org');
    const project = await createProject(member(org), 'Rules');
    const before = await stored(project.id);
    const bytes = fileOf('image/png', 500);
    const denied = await upload(member(org), project.id, 'a.png', bytes, 'image/png');
    expect(denied.status).toBe(403);
    expect(roundTrips(denied)).toBe(1);
    await documented(denied, UPLOAD);
    const hidden = await upload(admin(uniqueId('org')), project.id, 'a.png', bytes, 'image/png');
    expect(hidden.status).toBe(404);
    await documented(hidden, UPLOAD);
    const unknown = await upload(personal(), crypto.randomUUID(), 'a.png', bytes, 'image/png');
    expect(unknown.status).toBe(404);
    // The two 404s streamed their bodies into R2 before the statement said no: both objects are gone.
    expect(await stored(project.id)).toEqual(before);
    expect((await upload(admin(org), project.id, 'a.png', bytes, 'image/png')).status).toBe(201);
  });
});

describe('the upload limits', () => {
  it('default to 5 MiB and every known type, and take a smaller size and a subset of the types', () => {
    expect(assetConfig({ ...env })).toEqual({
      maxBytes: DEFAULT_MAX_ASSET_BYTES,
      types: new Set(['image/png', 'image/jpeg', 'image/webp', 'application/pdf']),
    });
    expect(
      assetConfig({
        ...env,
        PROJECT_ASSET_MAX_BYTES: '1000',
        PROJECT_ASSET_TYPES: 'image/png, Application/PDF',
      } as never),
    ).toEqual({ maxBytes: 1000, types: new Set(['image/png', 'application/pdf']) });
  });

  it.each([
    ['PROJECT_ASSET_MAX_BYTES', 'lots'],
    ['PROJECT_ASSET_MAX_BYTES', String(64 * 1024 * 1024)],
    ['PROJECT_ASSET_TYPES', 'image/png,text/html'],
    ['PROJECT_ASSET_TYPES', 'image/svg+xml'],
  ])('refuse %s=%s, naming it', (name, value) => {
    expect(() => assetConfig({ ...env, [name]: value } as never)).toThrow(ConfigError);
    expect(() => assetConfig({ ...env, [name]: value } as never)).toThrow(name);
  });
});

describe('GET /p/{slug}/assets/{name}', () => {
  it('is listed on the page and served from R2 through KV, without a database round trip', async () => {
    const { caller, project, slug } = await publishedProject('Gallery');
    const bytes = fileOf('image/png', 50_000);
    await upload(caller, project.id, 'cover.png', bytes, 'image/png');
    const page = await documented<PageBody>(await settled(`/p/${slug}`), 'GET /p/{slug}');
    const sha256 = await sha256Hex(bytes);
    expect(page.assets).toEqual([
      {
        name: 'cover.png',
        contentType: 'image/png',
        size: 50_000,
        sha256,
        href: `/p/${slug}/assets/cover.png?v=${sha256}`,
      },
    ]);

    const response = await settled(page.assets[0]!.href);
    expect(response.status).toBe(200);
    expect(roundTrips(response)).toBe(0);
    await documentedFile(response, DOWNLOAD);
    expect(Object.fromEntries(response.headers)).toMatchObject({
      'content-type': 'image/png',
      'content-length': '50000',
      etag: `"${sha256}"`,
      'cache-control': IMMUTABLE_CACHE_CONTROL,
      'accept-ranges': 'bytes',
      'cross-origin-resource-policy': 'cross-origin',
      'x-content-type-options': 'nosniff',
    });
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(bytes);
    // Without ?v= the name may point at other content later: a short cache.
    const byName = await settled(`/p/${slug}/assets/cover.png`);
    expect(byName.headers.get('cache-control')).toBe('public, max-age=60');
    await byName.body?.cancel();
    // A replaced version is gone from its content-addressed link.
    expect((await settled(`/p/${slug}/assets/cover.png?v=${'0'.repeat(64)}`)).status).toBe(404);
  });

  it('answers 304 to If-None-Match and 206 to a single byte range', async () => {
    const { caller, project, slug } = await publishedProject('Ranges');
    const bytes = fileOf('application/pdf', 10_000);
    await upload(caller, project.id, 'doc.pdf', bytes, 'application/pdf');
    const path = `/p/${slug}/assets/doc.pdf`;
    const etag = `"${await sha256Hex(bytes)}"`;

    const notModified = await settled(path, { headers: { 'if-none-match': etag } });
    expect(notModified.status).toBe(304);
    expect(roundTrips(notModified)).toBe(1); // the first read of the page fills KV
    await documented(notModified, DOWNLOAD);
    expect(roundTrips(await settled(path, { headers: { 'if-none-match': `W/${etag}` } }))).toBe(0);

    const cases: [Record<string, string>, number, string | null, Uint8Array][] = [
      [{ range: 'bytes=0-99' }, 206, 'bytes 0-99/10000', bytes.slice(0, 100)],
      [{ range: 'bytes=9990-' }, 206, 'bytes 9990-9999/10000', bytes.slice(9_990)],
      [{ range: 'bytes=-10' }, 206, 'bytes 9990-9999/10000', bytes.slice(9_990)],
      [{ range: 'bytes=9000-20000' }, 206, 'bytes 9000-9999/10000', bytes.slice(9_000)],
      [{ range: 'bytes=0-1,5-6' }, 200, null, bytes],
      [{ range: 'bytes=0-99', 'if-range': etag }, 206, 'bytes 0-99/10000', bytes.slice(0, 100)],
      [{ range: 'bytes=0-99', 'if-range': '"other"' }, 200, null, bytes],
    ];
    for (const [headers, status, contentRange, expected] of cases) {
      const response = await settled(path, { headers });
      expect(response.status, JSON.stringify(headers)).toBe(status);
      await documentedFile(response, DOWNLOAD);
      expect(response.headers.get('content-range')).toBe(contentRange);
      expect(response.headers.get('content-length')).toBe(String(expected.byteLength));
      expect(new Uint8Array(await response.arrayBuffer())).toEqual(expected);
    }
    const unsatisfiable = await settled(path, { headers: { range: 'bytes=10000-' } });
    expect(unsatisfiable.status).toBe(416);
    expect(unsatisfiable.headers.get('content-range')).toBe('bytes */10000');
    await documented(unsatisfiable, DOWNLOAD);
  });

  it('answers 404 for an unpublished project, an unknown name or slug, 400 for hostile names', async () => {
    const { caller, project, slug } = await publishedProject('Hidden files');
    await upload(caller, project.id, 'a.png', fileOf('image/png', 100), 'image/png');
    expect((await settled(`/p/${slug}/assets/a.png`)).status).toBe(200);
    for (const path of [`/p/${slug}/assets/b.png`, `/p/${uniqueSlug('none')}/assets/a.png`]) {
      const response = await settled(path);
      expect(response.status).toBe(404);
      await documented(response, DOWNLOAD);
    }
    for (const name of ['a..png', 'a%2Fb.png', 'a%00.png', 'x'.repeat(101)]) {
      const response = await settled(`/p/${slug}/assets/${name}`);
      expect(response.status).toBe(400);
      expect(roundTrips(response)).toBe(0);
      await documented(response, DOWNLOAD);
    }
    await settled(`/v1/projects/${project.id}/publication`, { caller, method: 'DELETE' });
    const unpublished = await settled(`/p/${slug}/assets/a.png`);
    expect(unpublished.status).toBe(404);
    expect(roundTrips(unpublished)).toBe(0);
  });

  it('follows deletions: of the asset, and of the project with every object', async () => {
    const { caller, project, slug } = await publishedProject('Deletions');
    await upload(caller, project.id, 'a.png', fileOf('image/png', 100), 'image/png');
    await upload(caller, project.id, 'b.png', fileOf('image/png', 100), 'image/png');
    const keys = (await stored(project.id)).rows.map((row) => row.object_key);

    const deleted = await settled(`/v1/projects/${project.id}/assets/a.png`, { caller, method: 'DELETE' });
    expect(deleted.status).toBe(204);
    expect(roundTrips(deleted)).toBe(1);
    await documented(deleted, 'DELETE /v1/projects/{id}/assets/{name}');
    expect((await stored(project.id)).objects).not.toContain(keys[0]);
    expect((await settled(`/p/${slug}/assets/a.png`)).status).toBe(404);
    expect(((await (await settled(`/p/${slug}`)).json()) as PageBody).assets.map((asset) => asset.name)).toEqual([
      'b.png',
    ]);
    const again = await settled(`/v1/projects/${project.id}/assets/a.png`, { caller, method: 'DELETE' });
    expect(again.status).toBe(404);

    expect((await settled(`/v1/projects/${project.id}`, { caller, method: 'DELETE' })).status).toBe(204);
    expect((await stored(project.id)).objects).not.toContain(keys[1]);
    expect((await settled(`/p/${slug}/assets/b.png`)).status).toBe(404);
  });
});

describe('the orphan sweep', { timeout: timeBudget({ requests: 20 }) }, () => {
  it('deletes objects without rows and rows without objects, older than the grace period only', async () => {
    const { project, slug } = await publishedProject('Sweep');
    // Four keys in a row that no other key can fall between (one test run's keys only: both
    // drivers' runs share the database, each has its own bucket).
    const base = uuidv7().slice(0, -1);
    const [orphanObject, paired, orphanRow, pairedRow] = ['0', '1', '2', '3'].map(
      (last) => `${ASSET_KEY_PREFIX}${base}${last}`,
    ) as [string, string, string, string];
    const bytes = fileOf('image/png', 100);
    for (const key of [orphanObject, paired, pairedRow]) await env.PROJECT_ASSETS.put(key, bytes);
    await env.PROJECT_ASSETS.delete(pairedRow);
    const sha256 = await sha256Hex(bytes);
    await withTestDb((db) =>
      db.execute(
        sql`insert into project_assets (id, project_id, name, object_key, content_type, size_bytes, sha256) values
          (${uuidv7()}, ${project.id}, 'paired.png', ${paired}, 'image/png', 100, ${sha256}),
          (${uuidv7()}, ${project.id}, 'lost.png', ${orphanRow}, 'image/png', 100, ${sha256})`,
      ),
    );
    const range = { after: `${ASSET_KEY_PREFIX}${base}`, through: pairedRow };
    const limits = { batchSize: 2, maxBatches: 10, graceMs: 60 * 60 * 1000 };

    const young = await withTestDb((db) => sweepAssets(db, env, { limits, range }));
    expect(young).toEqual({ objectsDeleted: 0, rowsDeleted: 0, complete: true });

    const later = Date.now() + limits.graceMs + 1;
    const old = await withTestDb((db) => sweepAssets(db, env, { limits, range, now: later }));
    expect(old).toEqual({ objectsDeleted: 1, rowsDeleted: 1, complete: true });
    const after = await stored(project.id);
    expect(after.rows.map((row) => row.object_key)).toEqual([paired]);
    expect(after.objects).toContain(paired);
    expect(after.objects).not.toContain(orphanObject);
    // The page no longer lists the lost file.
    expect((await storedEntry(slug)).metadata).toMatchObject({ state: 'changed' });
    expect(((await (await settled(`/p/${slug}`)).json()) as PageBody).assets.map((asset) => asset.name)).toEqual([
      'paired.png',
    ]);
  });
});
