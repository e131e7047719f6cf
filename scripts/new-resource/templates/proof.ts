// src/<name>/proof.ts: the resource's part of the bench and the reliability suite (proof/,
// contract in scripts/lib/resource-proof.ts).
import type { ResourceNames } from '../names.ts';

export function proofTs(n: ResourceNames): string {
  const path = `/v1/${n.plural}`;
  const org = n.owner === 'organization';
  // Rows owned by organizations only are created in a session with an active organization.
  const asOrg = org ? ', { organization: true }' : '';
  return `// The ${n.words} part of the proof suites (proof/, contract in scripts/lib/resource-proof.ts): the
// ${path} scenarios of \`npm run bench\` and of the reliability suite's mixed load, and the
// request shapes and valid payloads of its hostile-input check.
import { mapConcurrent } from '../../scripts/lib/map-concurrent.ts';
import {
  asHeader,
  bearer,
  percentEncode as enc,
  jsonContent as json,
  type ProofApi,
  type ResourceProof,
  hostileTemplate as t,
} from '../../scripts/lib/resource-proof.ts';

type Seeded = {
  /** ${org ? 'An organization admin' : 'A user'} with 120 ${n.words} (so a page of 50 is full), and their ids. */
  listToken: string;
  ${n.camel}Ids: string[];
  /** ${org ? 'Organization admins' : 'Users'} who create ${n.words}. */
  createTokens: string[];
};

/** The id of the ${n.singularWords} a POST created; any answer but 201 is an error. */
async function created(response: Response): Promise<string> {
  if (response.status !== 201) throw new Error(\`creating ${n.a} ${n.singularWords}: \${response.status} \${await response.text()}\`);
  return ((await response.json()) as { id: string }).id;
}

/** Creates ${n.a} ${n.singularWords} of \`token\`'s ${org ? 'organization' : 'user'}. */
async function create${n.pascal}(api: ProofApi, token: string, name: string): Promise<string> {
  return created(
    await api.fetch('${path}', {
      method: 'POST',
      headers: { ...json, ...bearer(token) },
      body: JSON.stringify({ name, description: 'Seeded by the proof suites.' }),
    }),
  );
}

export const proof: ResourceProof<Seeded> = {
  seed: async (api) => {
    const listToken = await api.signUp('lister'${asOrg});
    const createTokens: string[] = [];
    for (let n = 0; n < 5; n++) createTokens.push(await api.signUp(\`creator\${n}\`${asOrg}));
    const ${n.camel}Ids = await mapConcurrent(
      Array.from({ length: 120 }, (_, n) => n),
      8,
      (n) => create${n.pascal}(api, listToken, \`Seeded ${n.singularWords} \${n}\`),
    );
    return { listToken, ${n.camel}Ids, createTokens };
  },

  scenarios: {
    list: {
      label: 'GET ${path}?limit=50',
      bench: true,
      mixedWeight: 4,
      roundTrips: 1,
      requests: (seeded) => () => ({ method: 'GET', path: '${path}?limit=50', headers: bearer(seeded.listToken) }),
    },
    get: {
      label: 'GET ${path}/:id',
      bench: false,
      mixedWeight: 3,
      roundTrips: 1,
      requests: (seeded) => {
        let n = 0;
        return () => ({
          method: 'GET',
          path: \`${path}/\${seeded.${n.camel}Ids[n++ % seeded.${n.camel}Ids.length]}\`,
          headers: bearer(seeded.listToken),
        });
      },
    },
    create: {
      label: 'POST ${path} (Idempotency-Key)',
      bench: true,
      mixedWeight: 3,
      roundTrips: 1,
      requests: (seeded, marker) => {
        let n = 0;
        return () => {
          const i = n++;
          return {
            method: 'POST',
            path: '${path}',
            headers: {
              ...json,
              ...bearer(seeded.createTokens[i % seeded.createTokens.length]!),
              'idempotency-key': \`\${marker}-\${i}\`,
            },
            body: JSON.stringify({ name: \`${n.singularTitle} \${i}\`, description: 'Created by the load generator.' }),
          };
        };
      },
    },
  },

  hostile: async ({ api, attacker, ${org ? '' : 'victim, '}forged }) => {
${org ? "    const victimOwner = await api.signUp('victim-organization', { organization: true });\n" : ''}    // ${n.title} of another ${org ? 'organization' : 'user'}, for the attacker to aim at.
    const victim${n.pascalPlural} = await mapConcurrent([0, 1, 2, 3, 4], 5, async (n) =>
      created(
        await api.fetch('${path}', {
          method: 'POST',
          headers: { ...json, ...bearer(${org ? 'victimOwner' : 'victim'}) },
          body: JSON.stringify({ name: \`Victim ${n.singularWords} \${n}\` }),
        }),
      ),
    );
    const victim${n.pascal} = (serial: number) => victim${n.pascalPlural}[serial % victim${n.pascalPlural}.length]!;
    const asAttacker = { ...json, ...bearer(attacker) };
    return [
      // POST ${path}
      t('create: payload in body + unknown field', (p) => ({
        method: 'POST',
        path: '${path}',
        headers: asAttacker,
        body: JSON.stringify({ name: p, description: p, ownerId: p }),
        expect: '4xx',
      })),
      t('create: payload as wrong-typed fields', (p) => ({
        method: 'POST',
        path: '${path}',
        headers: asAttacker,
        body: \`{"name": \${JSON.stringify([p])}, "description": {"$ne": \${JSON.stringify(p)}}}\`,
        expect: '4xx',
      })),
      t('create: payload as the raw body', (p) => ({
        method: 'POST',
        path: '${path}',
        headers: asAttacker,
        body: p,
        expect: '4xx',
      })),
      t('create: broken JSON around the payload', (p, n) => ({
        method: 'POST',
        path: '${path}',
        headers: asAttacker,
        body: [
          \`{"name": "\${p}"\`,
          \`{'name': '\${p}'}\`,
          \`{"name": \${JSON.stringify(p)},}\`,
          \`\\ufeff{"name": \${JSON.stringify(p)}\`,
        ][n % 4],
        expect: '4xx',
      })),
      t('create: invalid UTF-8 bytes in the body', (p) => ({
        method: 'POST',
        path: '${path}',
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
        path: '${path}',
        headers: { ...asAttacker, 'idempotency-key': asHeader(p) },
        body: JSON.stringify({ name: 12345 }),
        expect: '4xx',
      })),
      t('create: payload as Content-Type', (p) => ({
        method: 'POST',
        path: '${path}',
        headers: { ...bearer(attacker), 'content-type': asHeader(p, 'text/') },
        body: JSON.stringify({ name: 'fine' }),
        expect: '4xx',
      })),
      t('create: oversized body (> 64 KiB)', (p) => ({
        method: 'POST',
        path: '${path}',
        headers: asAttacker,
        body: JSON.stringify({ name: 'big', description: p.repeat(Math.ceil(70_000 / Math.max(1, p.length))) }),
        expect: '4xx',
      })),
      // GET ${path}
      t('list: payload as limit', (p) => ({
        method: 'GET',
        path: \`${path}?limit=\${enc(p)}\`,
        headers: bearer(attacker),
        expect: 'lt500',
      })),
      t('list: payload as cursor', (p) => ({
        method: 'GET',
        path: \`${path}?cursor=\${enc(p)}\`,
        headers: bearer(attacker),
        expect: '4xx',
      })),
      t('list: payload as an unknown parameter', (p) => ({
        method: 'GET',
        path: \`${path}?\${enc(p.slice(0, 2000))}=\${enc(p.slice(0, 2000))}&limit=5\`,
        headers: bearer(attacker),
        expect: 'lt500',
      })),
      // ${path}/:id
      t('get: payload as id', (p) => ({
        method: 'GET',
        path: \`${path}/\${enc(p)}\`,
        headers: bearer(attacker),
        expect: '4xx',
      })),
      t('update: payload as id, If-Match and name', (p) => ({
        method: 'PATCH',
        path: \`${path}/\${enc(p)}\`,
        headers: { ...asAttacker, 'if-match': asHeader(p) },
        body: JSON.stringify({ name: p }),
        expect: '4xx',
      })),
      t("update: another ${org ? 'organization' : 'user'}'s ${n.singularWords}, payload as name", (p, n) => ({
        method: 'PATCH',
        path: \`${path}/\${victim${n.pascal}(n)}\`,
        headers: asAttacker,
        body: JSON.stringify({ name: p, description: p }),
        expect: '4xx',
      })),
      t('delete: payload as id', (p) => ({
        method: 'DELETE',
        path: \`${path}/\${enc(p)}\`,
        headers: bearer(attacker),
        expect: '4xx',
      })),
      t("delete: another ${org ? 'organization' : 'user'}'s ${n.singularWords}, forged token or the attacker's", (_p, n) => ({
        method: 'DELETE',
        path: \`${path}/\${victim${n.pascal}(n)}\`,
        headers: bearer(n % 3 === 0 ? attacker : forged(n)),
        expect: '4xx',
      })),
    ];
  },

  verbatim: (payload) => ({ path: '${path}', body: { name: payload.slice(0, 200), description: payload } }),
};
`;
}
