// The projects part of the proof suites (proof/, contract in scripts/lib/resource-proof.ts): the
// /v1/projects scenarios of `npm run bench` and of the reliability suite's mixed load, and the
// request shapes and valid payloads of its hostile-input check.
import { mapConcurrent } from '../../scripts/lib/map-concurrent.ts';
import {
  asHeader,
  bearer,
  percentEncode as enc,
  jsonContent as json,
  type ResourceProof,
  hostileTemplate as t,
} from '../../scripts/lib/resource-proof.ts';

type Seeded = {
  /** A user with 120 projects (so a page of 50 is full), and their ids. */
  listToken: string;
  projectIds: string[];
  /** Users who create projects. */
  createTokens: string[];
};

/** The id of the project a POST created; any answer but 201 is an error. */
async function created(response: Response): Promise<string> {
  if (response.status !== 201) throw new Error(`creating a project: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { id: string }).id;
}

export const proof: ResourceProof<Seeded> = {
  seed: async (api) => {
    const listToken = await api.signUp('lister');
    const createTokens: string[] = [];
    for (let n = 0; n < 5; n++) createTokens.push(await api.signUp(`creator${n}`));
    const projectIds = await mapConcurrent(
      Array.from({ length: 120 }, (_, n) => n),
      8,
      async (n) =>
        created(
          await api.fetch('/v1/projects', {
            method: 'POST',
            headers: { ...json, ...bearer(listToken) },
            body: JSON.stringify({ name: `Seeded project ${n}`, description: 'Seeded by the benchmark.' }),
          }),
        ),
    );
    return { listToken, projectIds, createTokens };
  },

  scenarios: {
    list: {
      label: 'GET /v1/projects?limit=50',
      bench: true,
      mixedWeight: 4,
      requests: (seeded) => () => ({ method: 'GET', path: '/v1/projects?limit=50', headers: bearer(seeded.listToken) }),
    },
    get: {
      label: 'GET /v1/projects/:id',
      bench: false,
      mixedWeight: 3,
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
    ];
  },

  verbatim: (payload) => ({ path: '/v1/projects', body: { name: payload.slice(0, 200), description: payload } }),
};
