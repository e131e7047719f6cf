import { env } from 'cloudflare:workers';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { clerkEvents } from '../../scripts/lib/clerk-events.ts';
import { base64url, sessionClaims, signSessionToken } from '../../scripts/lib/session-token.ts';
import { timeBudget } from '../../test/budget.ts';
import { documented } from '../../test/contract.ts';
import { FUZZ_RUNS, headerValue, isHeaderValue } from '../../test/fuzz.ts';
import { call, roundTrips, uniqueId } from '../../test/helpers.ts';
import { claimsFor, signedToken } from '../../test/sessions.ts';
import { deliver } from '../../test/webhooks.ts';
import { clerkConfig } from '../config.ts';
import { verifySessionToken } from './session.ts';

// Any authenticated route will do: GET /v1/me, for a user the webhook has synced.
const ROUTE = 'GET /v1/me';
const request = (authorization?: string) =>
  call('/v1/me', authorization === undefined ? {} : { headers: { authorization } });
const sub = uniqueId('user');

beforeAll(async () => {
  const { outcome } = await deliver(clerkEvents.user('user.created', { id: sub, updatedAt: Date.now() }));
  if (outcome !== 'applied') throw new Error(`could not sync ${sub}: ${outcome}`);
});

const now = () => Math.floor(Date.now() / 1000);

async function expectUnauthorized(response: Response, detail: RegExp) {
  expect(response.status).toBe(401);
  expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
  // Rejected from the token alone: the database is never asked.
  expect(roundTrips(response)).toBe(0);
  const body = await documented<{ type: string; detail: string }>(response, ROUTE);
  expect(body.type).toBe('/problems/unauthorized');
  expect(body.detail).toMatch(detail);
}

/** Signs `header.payload` with HMAC-SHA256 keyed by `secret`. */
async function hs256(header: object, payload: object, secret: string): Promise<string> {
  const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  return `${input}.${base64url(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(input)))}`;
}

describe('session token shapes, as Clerk issues them', () => {
  const organization = {
    id: uniqueId('org'),
    role: 'org:admin',
    slug: 'acme',
    permissions: ['org:invoices:read', 'org:invoices:manage', 'org:reports:read'],
  };
  const config = clerkConfig(env);

  it.each([1, 2] as const)('accepts a v%i personal session', async (version) => {
    const claims = claimsFor(sub, { version });
    expect('v' in claims).toBe(version === 2);
    expect('sts' in claims).toBe(version === 2);
    const response = await request(`Bearer ${await signedToken(claims)}`);
    expect(response.status).toBe(200);
    expect(await verifySessionToken(await signedToken(claims), config)).toEqual({ userId: sub, organization: null });
  });

  it('reads the organization of a v1 and a v2 token alike (role, slug, permissions)', async () => {
    const v1 = claimsFor(sub, { version: 1, organization });
    const v2 = claimsFor(sub, { version: 2, organization });
    expect(v1).toMatchObject({ org_id: organization.id, org_role: 'org:admin', org_slug: 'acme' });
    expect(v2).toMatchObject({ o: { id: organization.id, rol: 'admin', slg: 'acme', per: 'read,manage', fpm: '3,1' } });
    for (const claims of [v1, v2]) {
      expect(await verifySessionToken(await signedToken(claims), config)).toEqual({ userId: sub, organization });
      expect((await request(`Bearer ${await signedToken(claims)}`)).status).toBe(200);
    }
  });

  it('rejects a token without a session: JWT-template tokens share the instance key', async () => {
    const { sid: _, sts: __, v: ___, fva: ____, jti: _____, ...template } = claimsFor(sub);
    await expectUnauthorized(await request(`Bearer ${await signedToken(template)}`), /not a session token/i);
    const notASession = claimsFor(sub, {}, { sid: 'tpl_123' });
    await expectUnauthorized(await request(`Bearer ${await signedToken(notASession)}`), /not a session token/i);
  });

  it.each([3, '2', null])('rejects a token version it does not know (v: %j)', async (v) => {
    const token = await signedToken(claimsFor(sub, {}, { v }));
    await expectUnauthorized(await request(`Bearer ${token}`), /version/);
  });

  it('rejects malformed organization claims of either version', async () => {
    for (const claims of [
      claimsFor(sub, { version: 1 }, { org_id: 'org_1', org_permissions: 'org:a:b' }),
      claimsFor(sub, { version: 2 }, { o: { rol: 'admin' } }),
      claimsFor(sub, { version: 2 }, { o: { id: 'user_1' } }),
    ]) {
      await expectUnauthorized(await request(`Bearer ${await signedToken(claims)}`), /malformed/);
    }
  });
});

describe('session authentication', () => {
  it('accepts a valid token and answers with one round trip', async () => {
    const response = await request(`Bearer ${await signedToken(claimsFor(sub))}`);
    expect(response.status).toBe(200);
    expect(roundTrips(response)).toBe(1);
    await documented(response, ROUTE);
  });

  it('rejects a request without a token', async () => {
    await expectUnauthorized(await request(), /Authorization: Bearer/);
  });

  it.each([
    ['another scheme', 'Basic dXNlcjpwYXNz', /not `Bearer <token>`/],
    ['no token after Bearer', 'Bearer ', /not `Bearer <token>`/],
    ['two tokens', 'Bearer a.b.c d.e.f', /not `Bearer <token>`/],
    ['not a JWT', 'Bearer not-a-jwt', /malformed/],
    ['undecodable parts', 'Bearer e30.AAAA.e30', /malformed/],
  ])('rejects a malformed header or token: %s', async (_, authorization, detail) => {
    await expectUnauthorized(await request(authorization), detail);
  });

  it('rejects an expired token', async () => {
    const token = await signedToken(claimsFor(sub, { issuedAt: now() - 3600, ttlSeconds: 60 }));
    await expectUnauthorized(await request(`Bearer ${token}`), /expired/);
  });

  it('rejects a token that is not valid yet (nbf in the future)', async () => {
    const token = await signedToken(claimsFor(sub, {}, { nbf: now() + 600 }));
    await expectUnauthorized(await request(`Bearer ${token}`), /not valid yet/);
  });

  it('rejects a token signed with another key, and a token whose claims were changed', async () => {
    const other = (await crypto.subtle.generateKey(
      { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
      false,
      ['sign', 'verify'],
    )) as CryptoKeyPair;
    const foreign = await signSessionToken(other.privateKey, claimsFor(sub));
    await expectUnauthorized(await request(`Bearer ${foreign}`), /signature is invalid/);

    const [header, , signature] = (await signedToken(claimsFor(sub))).split('.');
    const tampered = `${header}.${base64url(JSON.stringify(claimsFor('user_someone_else')))}.${signature}`;
    await expectUnauthorized(await request(`Bearer ${tampered}`), /signature is invalid/);
  });

  it('rejects alg none', async () => {
    const token = `${base64url(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${base64url(JSON.stringify(claimsFor(sub)))}.`;
    await expectUnauthorized(await request(`Bearer ${token}`), /not signed with RS256/);
  });

  it('rejects HS256 signed with the public key as the HMAC secret', async () => {
    const token = await hs256({ alg: 'HS256', typ: 'JWT' }, claimsFor(sub), env.CLERK_JWT_KEY);
    await expectUnauthorized(await request(`Bearer ${token}`), /not signed with RS256/);
  });

  it('rejects a token from another issuer', async () => {
    const token = await signedToken(claimsFor(sub, { issuer: 'https://clerk.attacker.example' }));
    await expectUnauthorized(await request(`Bearer ${token}`), /another Clerk instance/);
  });

  it('rejects a token for an origin that is not an authorized party, and one without azp', async () => {
    const wrong = await signedToken(claimsFor(sub, { authorizedParty: 'https://evil.example' }));
    await expectUnauthorized(await request(`Bearer ${wrong}`), /origin this API does not accept/);
    const { azp: _, ...withoutAzp } = claimsFor(sub);
    await expectUnauthorized(
      await request(`Bearer ${await signedToken(withoutAzp)}`),
      /origin this API does not accept/,
    );
  });

  it('treats a pending session as signed out, in either version', async () => {
    for (const version of [2, 1] as const) {
      const token = await signedToken(claimsFor(sub, { version }, { sts: 'pending' }));
      await expectUnauthorized(await request(`Bearer ${token}`), /pending/);
    }
  });

  it('rejects a session status Clerk does not issue', async () => {
    const token = await signedToken(claimsFor(sub, {}, { sts: 'revoked' }));
    await expectUnauthorized(await request(`Bearer ${token}`), /malformed/);
  });

  it('rejects a token without a subject', async () => {
    const { sub: _, ...claims } = sessionClaims({ sub, issuer: env.CLERK_ISSUER, authorizedParty: 'x' });
    await expectUnauthorized(
      await request(`Bearer ${await signedToken({ ...claims, azp: claimsFor(sub).azp })}`),
      /malformed|invalid/,
    );
  });

  it('rejects validly signed tokens whose subject or organization is not a Clerk id (401, never 500)', async () => {
    for (const claims of [
      claimsFor('user_a\u0000b'),
      claimsFor("user_'; drop table users; --"),
      claimsFor(sub, { organization: { id: 'org_a\u0000b', role: 'org:admin' } }),
    ]) {
      await expectUnauthorized(await request(`Bearer ${await signedToken(claims)}`), /malformed|invalid/);
    }
  });

  it('answers 401, never 500, to fuzzed Authorization headers', {
    timeout: timeBudget({ requests: FUZZ_RUNS * 2 }),
  }, async () => {
    const valid = await signedToken(claimsFor(sub));
    const jwtShaped = fc
      .tuple(fc.jsonValue(), fc.jsonValue(), fc.string())
      .map(([header, payload, signature]) =>
        [JSON.stringify(header), JSON.stringify(payload), signature].map((part) => base64url(part)).join('.'),
      );
    // The valid token with one character changed: a different signature, header or claim.
    const mutated = fc
      .tuple(fc.nat({ max: valid.length - 1 }), fc.constantFrom(...'AZaz09-_.'))
      .map(([index, char]) => valid.slice(0, index) + char + valid.slice(index + 1))
      .filter((token) => token !== valid);
    const authorization = fc.oneof(
      headerValue,
      // A prefix can make a valid value invalid ("Bearer \n\u0001"): filter the composed value.
      headerValue.map((value) => `Bearer ${value}`).filter(isHeaderValue),
      jwtShaped.map((token) => `Bearer ${token}`),
      mutated.map((token) => `Bearer ${token}`),
    );
    // Each from an address of its own: this file's own address is held to the limit of failed
    // authentications (src/middleware/rate-limit.ts), which 80 rejections would pass.
    await fc.assert(
      fc.asyncProperty(authorization, fc.nat({ max: 65_535 }), async (value, client) => {
        const response = await call('/v1/me', {
          headers: { authorization: value, 'cf-connecting-ip': `2001:db8::${client.toString(16)}` },
        });
        expect(response.status).toBe(401);
        await documented(response, ROUTE);
      }),
      { numRuns: FUZZ_RUNS * 2 },
    );
  });
});
