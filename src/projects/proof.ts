// The projects part of the proof suites (proof/, contract in scripts/lib/resource-proof.ts): the
// /v1/projects and /p scenarios of `npm run bench` and of the reliability suite's mixed load, and
// the request shapes and valid payloads of its hostile-input check. Public pages are measured as KV
// hits (0 database round trips; the database outage check also sends them while PostgreSQL is
// down) and as misses (1): each miss reads a page published for it and never read before.
import { crc32, deflateSync } from 'node:zlib';
import { mapConcurrent } from '../../scripts/lib/map-concurrent.ts';
import {
  asHeader,
  bearer,
  percentEncode as enc,
  jsonContent as json,
  type ProofApi,
  type ResourceProof,
  roundTripsIn,
  hostileTemplate as t,
} from '../../scripts/lib/resource-proof.ts';

type Seeded = {
  /** A user with 120 projects (so a page of 50 is full), and their ids. */
  listToken: string;
  projectIds: string[];
  /** Users who create projects. */
  createTokens: string[];
  /** Published pages (`/p/<slug>`), each read until KV holds it, and their file's link. */
  pages: string[];
  files: string[];
  /** Published pages no request has read yet: one per miss (`prepare` makes them for each run). */
  unreadPages: string[];
};

/** The published pages of the seed; each has one file, FILE. */
const PAGES = 10;
const FILE = 'cover.png';

/** The id of the project a POST created; any answer but 201 is an error. */
async function created(response: Response): Promise<string> {
  if (response.status !== 201) throw new Error(`creating a project: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { id: string }).id;
}

/** Creates a project of `token`'s user. */
async function createProject(api: ProofApi, token: string, name: string): Promise<string> {
  return created(
    await api.fetch('/v1/projects', {
      method: 'POST',
      headers: { ...json, ...bearer(token) },
      body: JSON.stringify({ name, description: 'Seeded by the proof suites.' }),
    }),
  );
}

/** Publishes the project at `/p/<slug>` and returns that path. */
async function publish(api: ProofApi, token: string, id: string, slug: string): Promise<string> {
  const response = await api.fetch(`/v1/projects/${id}/publication`, {
    method: 'PUT',
    headers: { ...json, ...bearer(token) },
    body: JSON.stringify({ slug }),
  });
  if (response.status !== 200) throw new Error(`publishing ${slug}: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { href: string }).href;
}

async function uploadPng(api: ProofApi, token: string, id: string, name: string): Promise<void> {
  const response = await api.fetch(`/v1/projects/${id}/assets/${name}`, {
    method: 'PUT',
    headers: { ...bearer(token), 'content-type': 'image/png' },
    body: PNG,
  });
  if (response.status !== 201) throw new Error(`uploading ${name}: ${response.status} ${await response.text()}`);
}

/**
 * Reads `path` until a response reports 0 database round trips: a miss fills KV after its
 * response, so the first read may not be the last. Returns that response.
 */
async function readFromKv(api: ProofApi, path: string): Promise<Response> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const response = await api.fetch(path);
    if (response.status !== 200) throw new Error(`reading ${path}: ${response.status} ${await response.text()}`);
    if (roundTripsIn(response.headers.get('server-timing')) === 0) return response;
    await response.body?.cancel();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${path} was still read from Postgres after 50 reads`);
}

/** Slugs no other run has taken (runs share a database). */
const freshSlug = (prefix: string, n: number) => `${prefix}-${crypto.randomUUID().slice(0, 8)}-${n}`;

/** A real `size`×`size` PNG of random pixels (64: about 12 KiB, as noise does not compress). */
function randomPng(size: number): Uint8Array {
  const chunk = (type: string, data: Buffer) => {
    const typed = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(8 + typed.length);
    out.writeUInt32BE(data.length, 0);
    typed.copy(out, 4);
    out.writeUInt32BE(crc32(typed), 4 + typed.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2], 8); // 8 bits per channel, RGB
  // Each row: filter type 0, then its pixels.
  const rows = Buffer.alloc(size * (1 + size * 3));
  for (let row = 0; row < size; row++)
    crypto.getRandomValues(rows.subarray(row * (1 + size * 3) + 1, (row + 1) * (1 + size * 3)));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const PNG = randomPng(64);

/** The items in turn, round and round. */
function cycle(items: string[], what: string): () => string {
  if (items.length === 0) throw new Error(`nothing to request: no ${what}`);
  let n = 0;
  return () => items[n++ % items.length]!;
}

export const proof: ResourceProof<Seeded> = {
  seed: async (api) => {
    const listToken = await api.signUp('lister');
    const createTokens: string[] = [];
    for (let n = 0; n < 5; n++) createTokens.push(await api.signUp(`creator${n}`));
    const projectIds = await mapConcurrent(
      Array.from({ length: 120 }, (_, n) => n),
      8,
      (n) => createProject(api, listToken, `Seeded project ${n}`),
    );
    // Published pages with a file each, read once so that KV holds them.
    const publisher = await api.signUp('publisher');
    const published = await mapConcurrent(
      Array.from({ length: PAGES }, (_, n) => n),
      4,
      async (n) => {
        const id = await createProject(api, publisher, `Published project ${n}`);
        await uploadPng(api, publisher, id, FILE);
        const page = await publish(api, publisher, id, freshSlug('page', n));
        const { assets } = (await (await readFromKv(api, page)).json()) as { assets: { href: string }[] };
        const file = assets[0]!.href;
        await (await readFromKv(api, file)).body?.cancel();
        return { page, file };
      },
    );
    return {
      listToken,
      projectIds,
      createTokens,
      pages: published.map(({ page }) => page),
      files: published.map(({ file }) => file),
      unreadPages: [],
    };
  },

  scenarios: {
    list: {
      label: 'GET /v1/projects?limit=50',
      bench: true,
      mixedWeight: 4,
      roundTrips: 1,
      requests: (seeded) => () => ({ method: 'GET', path: '/v1/projects?limit=50', headers: bearer(seeded.listToken) }),
    },
    get: {
      label: 'GET /v1/projects/:id',
      bench: false,
      mixedWeight: 3,
      roundTrips: 1,
      requests: (seeded) => {
        let n = 0;
        return () => ({
          method: 'GET',
          path: `/v1/projects/${seeded.projectIds[n++ % seeded.projectIds.length]}`,
          headers: bearer(seeded.listToken),
        });
      },
    },
    create: {
      label: 'POST /v1/projects (Idempotency-Key)',
      bench: true,
      mixedWeight: 3,
      roundTrips: 1,
      requests: (seeded, marker) => {
        let n = 0;
        return () => {
          const i = n++;
          return {
            method: 'POST',
            path: '/v1/projects',
            headers: {
              ...json,
              ...bearer(seeded.createTokens[i % seeded.createTokens.length]!),
              'idempotency-key': `${marker}-${i}`,
            },
            body: JSON.stringify({ name: `Project ${i}`, description: 'Created by the load generator.' }),
          };
        };
      },
    },
    'page-hit': {
      label: 'GET /p/:slug (KV hit)',
      bench: true,
      mixedWeight: 2,
      roundTrips: 0,
      requests: (seeded) => {
        const page = cycle(seeded.pages, 'published pages');
        return () => ({ method: 'GET', path: page(), headers: {} });
      },
    },
    'page-miss': {
      label: 'GET /p/:slug (miss: read from Postgres, KV filled)',
      bench: true,
      mixedWeight: 0,
      roundTrips: 1,
      // Pages without files, each published for one request by a user of its own.
      prepare: async (api, seeded, count) => {
        const token = await api.signUp('unread');
        const unreadPages = await mapConcurrent(
          Array.from({ length: count }, (_, n) => n),
          8,
          async (n) => publish(api, token, await createProject(api, token, `Unread page ${n}`), freshSlug('unread', n)),
        );
        return { ...seeded, unreadPages };
      },
      requests: (seeded) => {
        const page = cycle(seeded.unreadPages, 'unread pages (prepare makes them)');
        return () => ({ method: 'GET', path: page(), headers: {} });
      },
    },
    'file-hit': {
      label: 'GET /p/:slug/assets/:name (KV hit, 12 KiB from R2)',
      bench: true,
      mixedWeight: 1,
      roundTrips: 0,
      requests: (seeded) => {
        const file = cycle(seeded.files, 'published files');
        return () => ({ method: 'GET', path: file(), headers: {} });
      },
    },
  },

  hostile: async ({ api, attacker, victim, forged }) => {
    // Projects of another user, for the attacker to aim at.
    const victimProjects = await mapConcurrent([0, 1, 2, 3, 4], 5, async (n) =>
      created(
        await api.fetch('/v1/projects', {
          method: 'POST',
          headers: { ...json, ...bearer(victim) },
          body: JSON.stringify({ name: `Victim project ${n}` }),
        }),
      ),
    );
    const victimProject = (serial: number) => victimProjects[serial % victimProjects.length]!;
    const asAttacker = { ...json, ...bearer(attacker) };
    const asVictim = { ...json, ...bearer(victim) };
    // A published page of the victim's with a file, and a project the victim publishes under the payloads.
    const [pageProject, movingProject] = victimProjects as [string, string];
    await uploadPng(api, victim, pageProject, FILE);
    const page = await publish(api, victim, pageProject, freshSlug('hostile', 0));
    const file = `${page}/assets/${FILE}`;
    return [
      // POST /v1/projects
      t('create: payload in body + unknown field', (p) => ({
        method: 'POST',
        path: '/v1/projects',
        headers: asAttacker,
        body: JSON.stringify({ name: p, description: p, ownerId: p }),
        expect: '4xx',
      })),
      t('create: payload as wrong-typed fields', (p) => ({
        method: 'POST',
        path: '/v1/projects',
        headers: asAttacker,
        body: `{"name": ${JSON.stringify([p])}, "description": {"$ne": ${JSON.stringify(p)}}}`,
        expect: '4xx',
      })),
      t('create: payload as the raw body', (p) => ({
        method: 'POST',
        path: '/v1/projects',
        headers: asAttacker,
        body: p,
        expect: '4xx',
      })),
      t('create: broken JSON around the payload', (p, n) => ({
        method: 'POST',
        path: '/v1/projects',
        headers: asAttacker,
        body: [
          `{"name": "${p}"`,
          `{'name': '${p}'}`,
          `{"name": ${JSON.stringify(p)},}`,
          `\ufeff{"name": ${JSON.stringify(p)}`,
        ][n % 4],
        expect: '4xx',
      })),
      t('create: invalid UTF-8 bytes in the body', (p) => ({
        method: 'POST',
        path: '/v1/projects',
        headers: asAttacker,
        body: Buffer.concat([
          Buffer.from('{"name": "'),
          Buffer.from([0xc0, 0xaf, 0xed, 0xa0, 0x80, 0xff]),
          Buffer.from(p.slice(0, 1000)),
          Buffer.from('", "x": 1}'),
        ]),
        expect: '4xx',
      })),
      t('create: payload as Idempotency-Key, wrong-typed body', (p) => ({
        method: 'POST',
        path: '/v1/projects',
        headers: { ...asAttacker, 'idempotency-key': asHeader(p) },
        body: JSON.stringify({ name: 12345 }),
        expect: '4xx',
      })),
      t('create: payload as Content-Type', (p) => ({
        method: 'POST',
        path: '/v1/projects',
        headers: { ...bearer(attacker), 'content-type': asHeader(p, 'text/') },
        body: JSON.stringify({ name: 'fine' }),
        expect: '4xx',
      })),
      t('create: oversized body (> 64 KiB)', (p) => ({
        method: 'POST',
        path: '/v1/projects',
        headers: asAttacker,
        body: JSON.stringify({ name: 'big', description: p.repeat(Math.ceil(70_000 / Math.max(1, p.length))) }),
        expect: '4xx',
      })),
      // GET /v1/projects
      t('list: payload as limit', (p) => ({
        method: 'GET',
        path: `/v1/projects?limit=${enc(p)}`,
        headers: bearer(attacker),
        expect: 'lt500',
      })),
      t('list: payload as cursor', (p) => ({
        method: 'GET',
        path: `/v1/projects?cursor=${enc(p)}`,
        headers: bearer(attacker),
        expect: '4xx',
      })),
      t('list: payload as an unknown parameter', (p) => ({
        method: 'GET',
        path: `/v1/projects?${enc(p.slice(0, 2000))}=${enc(p.slice(0, 2000))}&limit=5`,
        headers: bearer(attacker),
        expect: 'lt500',
      })),
      // /v1/projects/:id
      t('get: payload as id', (p) => ({
        method: 'GET',
        path: `/v1/projects/${enc(p)}`,
        headers: bearer(attacker),
        expect: '4xx',
      })),
      t('update: payload as id, If-Match and name', (p) => ({
        method: 'PATCH',
        path: `/v1/projects/${enc(p)}`,
        headers: { ...asAttacker, 'if-match': asHeader(p) },
        body: JSON.stringify({ name: p }),
        expect: '4xx',
      })),
      t("update: another user's project, payload as name", (p, n) => ({
        method: 'PATCH',
        path: `/v1/projects/${victimProject(n)}`,
        headers: asAttacker,
        body: JSON.stringify({ name: p, description: p }),
        expect: '4xx',
      })),
      t('delete: payload as id', (p) => ({
        method: 'DELETE',
        path: `/v1/projects/${enc(p)}`,
        headers: bearer(attacker),
        expect: '4xx',
      })),
      t("delete: another user's project, forged token or the attacker's", (_p, n) => ({
        method: 'DELETE',
        path: `/v1/projects/${victimProject(n)}`,
        headers: bearer(n % 3 === 0 ? attacker : forged(n)),
        expect: '4xx',
      })),
      // /v1/projects/:id/publication
      t('publish: payload as id and slug', (p) => ({
        method: 'PUT',
        path: `/v1/projects/${enc(p)}/publication`,
        headers: asAttacker,
        body: JSON.stringify({ slug: p }),
        expect: '4xx',
      })),
      t("publish: another user's project, payload as slug", (p, n) => ({
        method: 'PUT',
        path: `/v1/projects/${victimProject(n)}/publication`,
        headers: { ...json, ...bearer(n % 3 === 0 ? attacker : forged(n)) },
        body: JSON.stringify({ slug: p }),
        expect: '4xx',
      })),
      // The owner's own request: where `own-<payload>` is a valid slug, it publishes (and moves) the
      // page; the prefix keeps it off the slugs `page: payload as slug` expects to find nothing at.
      t('publish: own project, payload in the slug', (p) => ({
        method: 'PUT',
        path: `/v1/projects/${movingProject}/publication`,
        headers: asVictim,
        body: JSON.stringify({ slug: `own-${p}` }),
        expect: 'lt500',
      })),
      t('publish: own project, payload as the raw body or a wrong-typed slug', (p, n) => ({
        method: 'PUT',
        path: `/v1/projects/${movingProject}/publication`,
        headers: asVictim,
        body: n % 2 ? p : JSON.stringify({ slug: [p], extra: p }),
        expect: '4xx',
      })),
      t("unpublish: payload as id, or another user's page", (p, n) => ({
        method: 'DELETE',
        path: `/v1/projects/${n % 2 ? enc(p) : pageProject}/publication`,
        headers: bearer(n % 3 === 0 ? attacker : forged(n)),
        expect: '4xx',
      })),
      // /v1/projects/:id/assets/:name
      t('upload: own project, payload as name, an HTML body', (p) => ({
        method: 'PUT',
        path: `/v1/projects/${movingProject}/assets/${enc(p)}`,
        headers: { ...bearer(victim), 'content-type': 'text/html' },
        body: `<html><body>${p}</body></html>`,
        expect: '4xx',
      })),
      t('upload: own project, payload as the body, declared PNG', (p) => ({
        method: 'PUT',
        path: `/v1/projects/${movingProject}/assets/${FILE}`,
        headers: { ...bearer(victim), 'content-type': 'image/png' },
        body: p,
        expect: '4xx',
      })),
      t('upload: own project, payload as Content-Type, a PNG body', (p) => ({
        method: 'PUT',
        path: `/v1/projects/${movingProject}/assets/${FILE}`,
        headers: { ...bearer(victim), 'content-type': asHeader(p) },
        body: PNG,
        expect: '4xx',
      })),
      t("upload: another user's project, payload as name, a PNG body", (p, n) => ({
        method: 'PUT',
        path: `/v1/projects/${pageProject}/assets/${enc(p)}`,
        headers: { ...bearer(n % 3 === 0 ? attacker : forged(n)), 'content-type': 'image/png' },
        body: PNG,
        expect: '4xx',
      })),
      t("delete asset: payload as name, own project or another user's", (p, n) => ({
        method: 'DELETE',
        path: `/v1/projects/${n % 2 ? movingProject : pageProject}/assets/${enc(p)}`,
        headers: bearer(n % 2 ? victim : attacker),
        expect: '4xx',
      })),
      // GET /p/:slug (no session)
      t('page: payload as slug', (p) => ({ method: 'GET', path: `/p/${enc(p)}`, headers: {}, expect: '4xx' })),
      t('page: payload as query parameters', (p) => ({
        method: 'GET',
        path: `${page}?${enc(p.slice(0, 2000))}=${enc(p.slice(0, 2000))}`,
        headers: {},
        expect: 'lt500',
      })),
      t('page: payload as If-None-Match', (p) => ({
        method: 'GET',
        path: page,
        headers: { 'if-none-match': asHeader(p) },
        expect: 'lt500',
      })),
      // GET /p/:slug/assets/:name (no session)
      t('file: payload as slug', (p) => ({
        method: 'GET',
        path: `/p/${enc(p)}/assets/${FILE}`,
        headers: {},
        expect: '4xx',
      })),
      t('file: payload as name', (p) => ({
        method: 'GET',
        path: `${page}/assets/${enc(p)}`,
        headers: {},
        expect: '4xx',
      })),
      t('file: payload as v', (p) => ({ method: 'GET', path: `${file}?v=${enc(p)}`, headers: {}, expect: '4xx' })),
      t('file: payload as query parameters', (p) => ({
        method: 'GET',
        path: `${file}?${enc(p.slice(0, 2000))}=${enc(p.slice(0, 2000))}`,
        headers: {},
        expect: 'lt500',
      })),
      t('file: payload as Range', (p, n) => ({
        method: 'GET',
        path: file,
        headers: { range: n % 2 ? asHeader(p) : asHeader(p, 'bytes=') },
        expect: 'lt500',
      })),
      t('file: payload as If-None-Match and If-Range', (p) => ({
        method: 'GET',
        path: file,
        headers: { 'if-none-match': asHeader(p), range: 'bytes=0-99', 'if-range': asHeader(p) },
        expect: 'lt500',
      })),
    ];
  },

  verbatim: (payload) => ({ path: '/v1/projects', body: { name: payload.slice(0, 200), description: payload } }),
};
