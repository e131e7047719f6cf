// Check 4, hostile input. Phase 1: at least 2,000 generated requests that must be rejected — bad
// JSON, wrong types, huge strings, unicode edge cases and SQL injection payloads in every
// parameter (path, query, headers, body, token claims, webhook headers and payloads), forged and
// expired tokens, forged signatures, oversized bodies — across every endpoint. Passes when none is
// answered 5xx, each is answered 4xx where a rejection is certain, and no row was written: every
// table's row count is unchanged, except webhook_events, which must grow by exactly the validly
// signed but malformed deliveries (422, kept as `failed` for replay, by design).
// Phase 2: the same payloads in requests that are valid (each resource's create, idempotency keys,
// Clerk fields): never 5xx, and what is stored reads back verbatim.
// The core shapes here aim at /v1/me, /webhooks/clerk and routes that do not exist; each resource
// adds its own (src/<folder>/proof.ts, contract in scripts/lib/resource-proof.ts).
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { clerkEvents, signDelivery } from '../../scripts/lib/clerk-events.ts';
import { mapConcurrent } from '../../scripts/lib/map-concurrent.ts';
import { withPgClient } from '../../scripts/lib/pg-client.ts';
import {
  asHeader,
  bearer,
  percentEncode as enc,
  type HostileRequest,
  type HostileTemplate,
  jsonContent as json,
  type NamedRequest,
  hostileTemplate as t,
} from '../../scripts/lib/resource-proof.ts';
import { base64url, importSigningKey, sessionClaims, signSessionToken } from '../../scripts/lib/session-token.ts';
import { deliver, proofApi, rowCounts } from '../bench/stack-client.ts';
import type { CheckResult, SuiteContext } from './check.ts';
import { tally } from './check.ts';
import { seededRandom } from './history.ts';
import { ledgerOutcomes } from './state.ts';

const FULL = { minimum: 2_000, extra: 600, concurrency: 16 };
/** Every request shape with every payload still, without the random mixes on top. */
const QUICK = { minimum: 0, extra: 0, concurrency: 16 };

const SQL_INJECTION = [
  "' OR '1'='1",
  "'; DROP TABLE users; --",
  '1; DELETE FROM organizations',
  '" OR ""="',
  "') OR ('a'='a",
  "1' UNION SELECT clerk_user_id, email FROM users --",
  '$1',
  "%' AND pg_sleep(5) --",
  "'||(select version())||'",
  "\\'; TRUNCATE webhook_events; --",
  "1' AND 1=(SELECT COUNT(*) FROM pg_tables) --",
  "'; COPY users TO '/tmp/x'; --",
  "E'\\x00'",
  '%27%20OR%201%3D1',
];
const WRONG_TYPES_AND_SPECIALS = [
  '-1',
  '0',
  '1e309',
  'NaN',
  'null',
  'true',
  '[]',
  '{}',
  '""',
  'undefined',
  '../../etc/passwd',
  '%00',
  '<script>alert(1)</script>',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection payload, on purpose
  '${7*7}',
  '{{7*7}}',
];
const UNICODE = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udfff',
  'x\ud83d',
  '\u202eevil',
  '\ufeffbom',
  '\u200b\u200d\u2060',
  '👩‍👩‍👧‍👦',
  'e\u0301'.repeat(500),
  '\uffff\ufffe',
  'ｓｅｌｅｃｔ ＊ ｆｒｏｍ users',
  'İı',
  '\r\n\t\v\f',
  '😀'.repeat(1_000),
  '\u00ff\u00fe',
];
const HUGE = ['a'.repeat(10_000), "' OR 1=1 --".repeat(2_000), 'x'.repeat(70_000)];

export const PAYLOADS = [...SQL_INJECTION, ...WRONG_TYPES_AND_SPECIALS, ...UNICODE, ...HUGE];

/** A core request shape's request: a validly signed webhook delivery may be kept as `failed`. */
interface CoreHostileRequest extends HostileRequest {
  /** Validly signed webhook delivery: a 422 for it leaves a `failed` ledger row, by design. */
  signedSvixId?: string;
}

interface Tokens {
  attacker: string;
  forged: string[];
  /** Valid signature, hostile claims. */
  withSub(sub: string): Promise<string>;
  withOrg(orgId: string): Promise<string>;
  /** The payload in the v1 organization claims (org_id, org_role, org_slug). */
  withOrgV1(payload: string): Promise<string>;
}

export async function hostileCheck(context: SuiteContext): Promise<CheckResult> {
  const { stack } = context;
  const HOSTILE = context.quick ? QUICK : FULL;
  const started = performance.now();
  const run = `${context.seeded.marker}h`;
  const random = seededRandom(context.seed + 5);

  // An attacker and a victim, both synced; each resource makes the victim's rows it aims at.
  const api = proofApi(stack, run);
  await api.signUp('attacker');
  const victim = await api.signUp('victim');
  const tokens = await makeTokens(stack, `user_${run}_attacker`);
  const ownTemplates: HostileTemplate[] = [];
  for (const { folder, proof } of context.proofs) {
    ownTemplates.push(
      ...(await proof.hostile({
        api: proofApi(stack, `${run}_${folder}`),
        attacker: tokens.attacker,
        victim,
        forged: (serial) => tokens.forged[serial % tokens.forged.length]!,
      })),
    );
  }

  // Phase 1: requests that must all be rejected.
  const templates: HostileTemplate<CoreHostileRequest>[] = [...coreTemplates(stack, tokens, run), ...ownTemplates];
  const requests: NamedRequest<CoreHostileRequest>[] = [];
  let serial = 0;
  for (const template of templates) {
    for (const payload of PAYLOADS) requests.push(await template.build(payload, serial++));
  }
  while (requests.length < Math.max(HOSTILE.minimum, templates.length * PAYLOADS.length) + HOSTILE.extra) {
    // Random pairs on top: two payloads joined, so mixtures reach every parameter too.
    const template = templates[Math.floor(random() * templates.length)]!;
    const payload =
      PAYLOADS[Math.floor(random() * PAYLOADS.length)]! + PAYLOADS[Math.floor(random() * PAYLOADS.length)]!;
    requests.push(await template.build(payload.slice(0, 80_000), serial++));
  }

  const before = await rowCounts(stack.databaseUrl);
  const errorsBefore = stack.errorLogLines().length;
  const answers = await mapConcurrent(requests, HOSTILE.concurrency, async (request) => {
    try {
      const response = await fetch(`${stack.url}${request.path}`, {
        method: request.method,
        headers: request.headers,
        ...(request.body === undefined ? {} : { body: request.body }),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await response.text();
      return { status: response.status, body: text.slice(0, 300) };
    } catch (error) {
      return { status: 0, body: String(error) };
    }
  });
  const after = await rowCounts(stack.databaseUrl);
  const ledger = await ledgerOutcomes(stack.databaseUrl, `${run}_sig`);

  const failures: string[] = [];
  const byTemplate = new Map<string, Record<string, number>>();
  const serverErrors: string[] = [];
  const unavailable: string[] = [];
  const accepted: string[] = [];
  answers.forEach((answer, index) => {
    const request = requests[index]!;
    const counts = byTemplate.get(request.template) ?? {};
    counts[answer.status] = (counts[answer.status] ?? 0) + 1;
    byTemplate.set(request.template, counts);
    const line = `${request.template} [${request.payload}] → ${answer.status} ${answer.body.slice(0, 160)}`;
    // A 500 (a bug) or a dropped connection fails the check; a 503 (retry later) is reported.
    if ((answer.status >= 500 && answer.status !== 503) || answer.status === 0) serverErrors.push(line);
    else if (answer.status === 503) unavailable.push(line);
    else if (request.expect === '4xx' && (answer.status < 400 || answer.status >= 500)) {
      accepted.push(`${request.template} [${request.payload}] → ${answer.status} ${answer.body.slice(0, 160)}`);
    }
  });
  if (serverErrors.length)
    failures.push(`${serverErrors.length} answered 500 or not at all, e.g. ${serverErrors.slice(0, 3).join(' | ')}`);
  if (accepted.length)
    failures.push(`${accepted.length} hostile requests were not rejected, e.g. ${accepted.slice(0, 3).join(' | ')}`);
  const signed422 = answers.filter((answer, index) => requests[index]!.signedSvixId && answer.status === 422).length;
  const deltas = Object.fromEntries(Object.keys(before).map((table) => [table, after[table]! - before[table]!]));
  for (const [table, delta] of Object.entries(deltas)) {
    const expected = table === 'webhook_events' ? signed422 : 0;
    if (delta !== expected) failures.push(`${table}: ${delta > 0 ? '+' : ''}${delta} rows, expected ${expected}`);
  }
  if ((ledger.failed ?? 0) !== signed422 || Object.keys(ledger).some((outcome) => outcome !== 'failed')) {
    failures.push(
      `ledger rows of the signed malformed deliveries: ${JSON.stringify(ledger)}, expected ${signed422} failed`,
    );
  }

  // Phase 2: the same payloads where they are valid input.
  const verbatim = await verbatimPhase(context, tokens.attacker, run);
  failures.push(...verbatim.failures);

  const statuses = tally(answers.map((answer) => answer.status));
  return {
    name: 'hostile input',
    ok: failures.length === 0,
    figure:
      `${requests.length} requests that must be rejected (${templates.length} request shapes × ${PAYLOADS.length} payloads + ` +
      `${requests.length - templates.length * PAYLOADS.length} random mixes): ${serverErrors.length}× 500 or no answer, ` +
      `${unavailable.length}× 503, statuses ${JSON.stringify(statuses)}; rows written: ` +
      `${Object.values(deltas).every((d) => d === 0) ? 'none' : `none but the ${signed422} validly signed malformed deliveries kept as failed (422)`}; ` +
      `${verbatim.requests} valid requests carrying the payloads: ${verbatim.serverErrors}× 500, ` +
      `${verbatim.stored} values read back verbatim (${verbatim.replacedSurrogates} with unpaired surrogates as U+FFFD)`,
    failures,
    details: {
      requests: requests.length,
      statuses,
      byTemplate: Object.fromEntries(byTemplate),
      rowsBefore: before,
      rowsAfter: after,
      deltas,
      signedMalformed422: signed422,
      ledger,
      serverErrors: serverErrors.slice(0, 20),
      unavailable: unavailable.slice(0, 20),
      notRejected: accepted.slice(0, 20),
      verbatim,
      workerErrorLogs: stack.errorLogLines().length - errorsBefore,
    },
    seconds: Math.round((performance.now() - started) / 100) / 10,
  };
}

async function makeTokens(stack: SuiteContext['stack'], attackerId: string): Promise<Tokens> {
  const now = Math.floor(Date.now() / 1000);
  const claims = (extra: Record<string, unknown> = {}) => ({
    ...sessionClaims({
      sub: attackerId,
      issuer: stack.issuer,
      authorizedParty: stack.authorizedParty,
      ttlSeconds: 3600,
    }),
    ...extra,
  });
  const other = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const otherKey = await importSigningKey(other.privateKey);
  const valid = await stack.signClaims(claims());
  const [header, , signature] = valid.split('.');
  const unsigned = (head: object, body: object) =>
    `${base64url(JSON.stringify(head))}.${base64url(JSON.stringify(body))}`;
  const hmacKey = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(stack.jwtPublicKey),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const hs256Input = unsigned({ alg: 'HS256', typ: 'JWT' }, claims());
  const hs256 = `${hs256Input}.${base64url(await crypto.subtle.sign('HMAC', hmacKey, new TextEncoder().encode(hs256Input)))}`;
  return {
    attacker: valid,
    forged: [
      await stack.signClaims(claims({ iat: now - 7_200, nbf: now - 7_205, exp: now - 3_600 })), // expired
      await stack.signClaims(claims({ iat: now + 600, nbf: now + 600, exp: now + 4_200 })), // not valid yet
      await stack.signClaims(claims({ iss: 'https://clerk.attacker.example' })),
      await stack.signClaims(claims({ azp: 'https://evil.example' })),
      await stack.signClaims(claims({ sts: 'pending' })),
      await stack.signClaims(claims({ v: 3 })), // a version Clerk never issued
      await stack.signClaims(claims({ sid: undefined, sts: undefined, v: undefined })), // JWT-template shaped
      await stack.signClaims(claims({ sid: `tpl_${attackerId}` })),
      await signSessionToken(otherKey, claims()), // another key
      `${header}.${base64url(JSON.stringify(claims({ sub: `${attackerId}_admin` })))}.${signature}`, // tampered
      `${unsigned({ alg: 'none', typ: 'JWT' }, claims())}.`,
      hs256, // HS256 keyed with the public key
      `${header}.${base64url(randomBytes(600))}.${signature}`,
      'a.b.c',
      'x'.repeat(7_000),
    ],
    withSub: (sub) => stack.signClaims(claims({ sub })),
    withOrg: (orgId) => stack.signClaims(claims({ o: { id: orgId, rol: 'admin' } })),
    withOrgV1: (payload) =>
      stack.signClaims(claims({ v: undefined, sts: undefined, org_id: payload, org_role: payload, org_slug: payload })),
  };
}

/** The core endpoints' shapes: /v1/me, /webhooks/clerk, and routes that do not exist. */
function coreTemplates(
  stack: SuiteContext['stack'],
  tokens: Tokens,
  run: string,
): HostileTemplate<CoreHostileRequest>[] {
  const forged = (serial: number) => tokens.forged[serial % tokens.forged.length]!;
  const signed = (
    body: string,
    serial: number,
    timestamp?: Date,
  ): CoreHostileRequest['headers'] & { svixId: string } => {
    const svixId = `msg_${run}_sig${serial}`;
    return {
      ...signDelivery(stack.webhookSecret, body, { svixId, ...(timestamp ? { timestamp } : {}) }).headers,
      svixId,
    };
  };

  return [
    // GET /v1/me
    t('me: payload as the bearer token', (p) => ({
      method: 'GET',
      path: '/v1/me',
      headers: { authorization: asHeader(p, 'Bearer ') },
      expect: '4xx',
    })),
    t('me: payload as Authorization', (p) => ({
      method: 'GET',
      path: '/v1/me',
      headers: { authorization: asHeader(p) },
      expect: '4xx',
    })),
    t('me: valid signature, payload as sub', async (p) => ({
      method: 'GET',
      path: '/v1/me',
      headers: bearer(await tokens.withSub(p.slice(0, 8_000))),
      expect: '4xx',
    })),
    t('me: valid signature, payload as org id', async (p) => ({
      method: 'GET',
      path: '/v1/me',
      headers: bearer(await tokens.withOrg(p.slice(0, 8_000))),
      expect: 'lt500',
    })),
    t('me: valid signature, payload in v1 organization claims', async (p) => ({
      method: 'GET',
      path: '/v1/me',
      headers: bearer(await tokens.withOrgV1(p.slice(0, 8_000))),
      expect: '4xx',
    })),
    t('me: forged or expired token', (_p, n) => ({
      method: 'GET',
      path: '/v1/me',
      headers: bearer(forged(n)),
      expect: '4xx',
    })),
    // POST /webhooks/clerk
    t('webhook: no signature headers', (p) => ({
      method: 'POST',
      path: '/webhooks/clerk',
      headers: json,
      body: JSON.stringify(clerkEvents.userDeleted(`user_${run}_${p.slice(0, 50)}`, Date.now())),
      expect: '4xx',
    })),
    t('webhook: payload as svix headers, forged signature', (p, n) => ({
      method: 'POST',
      path: '/webhooks/clerk',
      headers: {
        ...json,
        'svix-id': asHeader(p),
        'svix-timestamp': n % 2 ? asHeader(p) : String(Math.floor(Date.now() / 1000)),
        'svix-signature': asHeader(p, 'v1,'),
      },
      body: JSON.stringify(
        clerkEvents.user('user.created', {
          id: `user_${run}_forged${n}`,
          firstName: p.slice(0, 100),
          updatedAt: Date.now(),
        }),
      ),
      expect: '4xx',
    })),
    t('webhook: signed with another secret', (p, n) => {
      const body = JSON.stringify(
        clerkEvents.user('user.created', {
          id: `user_${run}_other${n}`,
          firstName: p.slice(0, 100),
          updatedAt: Date.now(),
        }),
      );
      return {
        method: 'POST',
        path: '/webhooks/clerk',
        headers: signDelivery(`whsec_${randomBytes(24).toString('base64')}`, body).headers,
        body,
        expect: '4xx',
      };
    }),
    t('webhook: valid signature, timestamp 10 minutes old', (p, n) => {
      const body = JSON.stringify(
        clerkEvents.user('user.created', {
          id: `user_${run}_old${n}`,
          firstName: p.slice(0, 100),
          updatedAt: Date.now(),
        }),
      );
      const { svixId: _, ...headers } = signed(body, n, new Date(Date.now() - 600_000));
      return { method: 'POST', path: '/webhooks/clerk', headers, body, expect: '4xx' };
    }),
    t('webhook: valid signature, payload as the raw body', (p, n) => {
      const { svixId, ...headers } = signed(p, n);
      return { method: 'POST', path: '/webhooks/clerk', headers, body: p, expect: '4xx', signedSvixId: svixId };
    }),
    t('webhook: valid signature, payload in ids and timestamps', (p, n) => {
      const body = JSON.stringify({
        type: 'user.updated',
        object: 'event',
        timestamp: p,
        data: { id: p, created_at: p, updated_at: p, email_addresses: p },
      });
      const { svixId, ...headers } = signed(body, n);
      return { method: 'POST', path: '/webhooks/clerk', headers, body, expect: '4xx', signedSvixId: svixId };
    }),
    t('webhook: valid signature, membership with payload parents', (p, n) => {
      const body = JSON.stringify({
        type: 'organizationMembership.created',
        object: 'event',
        timestamp: Date.now(),
        data: {
          id: `orgmem_${run}_${n}`,
          role: p,
          created_at: 1,
          updated_at: 2,
          organization: { id: p },
          public_user_data: { user_id: p },
        },
      });
      const { svixId, ...headers } = signed(body, n);
      return { method: 'POST', path: '/webhooks/clerk', headers, body, expect: '4xx', signedSvixId: svixId };
    }),
    t('webhook: oversized body (> 256 KiB), valid signature', (p, n) => {
      const body = JSON.stringify({
        type: 'user.created',
        data: { id: `user_${run}_big${n}`, pad: p.repeat(Math.ceil(270_000 / Math.max(1, p.length))) },
      });
      const { svixId: _, ...headers } = signed(body, n);
      return { method: 'POST', path: '/webhooks/clerk', headers, body, expect: '4xx' };
    }),
    // Everything else
    t('unknown routes and methods with the payload', (p, n) => ({
      method: ['PUT', 'GET', 'POST', 'DELETE'][n % 4]!,
      path: `/v1/${enc(p.slice(0, 2000))}/me`,
      headers: { ...json, ...bearer(tokens.attacker) },
      ...(n % 4 === 1 ? {} : { body: JSON.stringify({ name: p }) }),
      expect: '4xx',
    })),
  ];
}

/** Phase 2: valid requests carrying the payloads; stored values must read back unchanged. */
async function verbatimPhase(context: SuiteContext, attackerToken: string, run: string) {
  const { stack, proofs } = context;
  const failures: string[] = [];
  let requests = 0;
  let serverErrors = 0;
  let stored = 0;
  let replaced = 0;
  const candidates = PAYLOADS.filter((p) => p.length <= 2_000);
  await mapConcurrent(candidates, 8, async (payload, n) => {
    // Each resource's create carrying the payload, with the payload as its Idempotency-Key where a header allows.
    const key = /^[\x21-\x7e]{1,255}$/.test(payload) ? payload : `key-${run}-${n}`;
    for (const { folder, proof } of proofs) {
      const { path, body } = proof.verbatim(payload);
      const shown = `${folder} ${JSON.stringify(payload.slice(0, 40))}`;
      const create = () =>
        fetch(`${stack.url}${path}`, {
          method: 'POST',
          headers: { ...json, ...bearer(attackerToken), 'idempotency-key': `${run}${n}${folder}${key}`.slice(0, 255) },
          body: JSON.stringify(body),
        });
      const first = await create();
      const retry = await create();
      requests += 2;
      for (const response of [first, retry]) {
        if (response.status >= 500) {
          serverErrors++;
          failures.push(`${shown}: ${response.status}`);
        }
      }
      await first.body?.cancel();
      await retry.body?.cancel();
      if (first.status !== 201) continue;
      const location = first.headers.get('location');
      if (!location) {
        failures.push(`${shown}: 201 without a Location to read it back from`);
        continue;
      }
      const read = await fetch(`${stack.url}${location}`, { headers: bearer(attackerToken) });
      requests++;
      const back = (await read.json()) as Record<string, unknown>;
      if (Object.entries(body).some(([field, value]) => back[field] !== value)) {
        failures.push(`${shown} did not read back verbatim`);
      } else stored++;
      if (retry.headers.get('location') !== location) {
        failures.push(
          `${folder}: idempotent retry of ${JSON.stringify(key.slice(0, 40))} answered with another Location`,
        );
      }
    }

    // A Clerk user whose names are the payload.
    const id = `user_${run}_v${n}`;
    const answer = await deliver(
      stack,
      clerkEvents.user('user.created', {
        id,
        firstName: payload,
        lastName: payload,
        email: `${id}@example.com`,
        updatedAt: Date.now(),
      }),
    );
    requests++;
    if (answer.status >= 500) {
      serverErrors++;
      failures.push(
        `webhook with first_name ${JSON.stringify(payload.slice(0, 40))} answered ${answer.status}: ${answer.body.slice(0, 160)}`,
      );
    } else if (answer.outcome === 'applied') {
      const { rows } = await queryUser(stack.databaseUrl, id);
      // UTF-8 cannot hold an unpaired surrogate: the driver sends U+FFFD in its place.
      const storable = payload.toWellFormed();
      if (rows[0]?.first_name !== storable || rows[0]?.last_name !== storable) {
        failures.push(`user first_name ${JSON.stringify(payload.slice(0, 40))} did not read back verbatim`);
      } else {
        stored++;
        if (storable !== payload) replaced++;
      }
    }
  });
  return { requests, serverErrors, stored, replacedSurrogates: replaced, failures };
}

async function queryUser(databaseUrl: string, clerkUserId: string) {
  return withPgClient(databaseUrl, (client) =>
    client.query<{ first_name: string | null; last_name: string | null }>(
      'select first_name, last_name from users where clerk_user_id = $1',
      [clerkUserId],
    ),
  );
}
