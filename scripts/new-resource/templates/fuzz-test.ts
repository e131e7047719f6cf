// src/<name>/fuzz.test.ts: generated bad input of every kind is a documented 4xx, never a 500.
import type { ResourceNames } from '../names.ts';

export function fuzzTestTs(n: ResourceNames): string {
  const { pascal: P } = n;
  const path = `/v1/${n.plural}`;
  return `// Bad input of every kind is a 4xx problem, never a 500, and always a documented answer.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { timeBudget } from '../../test/budget.ts';
import { documented } from '../../test/contract.ts';
import { contentType, FUZZ_RUNS, headerValue, hostileBody, hostileString } from '../../test/fuzz.ts';
import { call, uniqueId } from '../../test/helpers.ts';
import { sessionHeaders } from '../../test/sessions.ts';
import { create${P} } from './testing.ts';

const caller = { sub: uniqueId('user'), organization: { id: uniqueId('org'), role: 'org:admin' } };

async function expectHandled(response: Response, operation: string, allowed: number[]) {
  expect(allowed).toContain(response.status);
  await documented(response, operation);
}

describe('fuzzed input never yields a 500', { timeout: timeBudget({ requests: FUZZ_RUNS + 1 }) }, () => {
  it('POST ${path} bodies, content types and idempotency keys', async () => {
    const auth = await sessionHeaders(caller.sub, caller.organization);
    await fc.assert(
      fc.asyncProperty(
        hostileBody,
        contentType,
        fc.option(headerValue, { nil: undefined }),
        async (body, type, key) => {
          const headers: Record<string, string> = { ...auth, 'content-type': type };
          if (key !== undefined) headers['idempotency-key'] = key;
          const response = await call('${path}', { method: 'POST', headers, body });
          await expectHandled(response, 'POST ${path}', [201, 400, 415, 422]);
        },
      ),
      { numRuns: FUZZ_RUNS },
    );
  });

  it('PATCH ${path}/{id} bodies and If-Match headers', async () => {
    const auth = await sessionHeaders(caller.sub, caller.organization);
    const target = await create${P}(caller, 'fuzz target');
    await fc.assert(
      fc.asyncProperty(hostileBody, fc.option(headerValue, { nil: undefined }), async (body, ifMatch) => {
        const headers: Record<string, string> = { ...auth, 'content-type': 'application/json' };
        if (ifMatch !== undefined) headers['if-match'] = ifMatch;
        const response = await call(\`${path}/\${target.id}\`, { method: 'PATCH', headers, body });
        await expectHandled(response, 'PATCH ${path}/{id}', [200, 400, 412]);
      }),
      { numRuns: FUZZ_RUNS },
    );
  });

  it('GET ${path} query strings', async () => {
    const auth = await sessionHeaders(caller.sub, caller.organization);
    const parameter = fc.tuple(fc.constantFrom('limit', 'cursor', 'sort', 'limit[]', ''), hostileString);
    const query = fc.oneof(
      fc.array(parameter, { maxLength: 4 }).map((pairs) => new URLSearchParams(pairs).toString()),
      fc.webQueryParameters(),
    );
    await fc.assert(
      fc.asyncProperty(query, async (search) => {
        const response = await call(\`${path}?\${search}\`, { headers: auth });
        await expectHandled(response, 'GET ${path}', [200, 400]);
      }),
      { numRuns: FUZZ_RUNS },
    );
  });

  it('ids in the path', async () => {
    const auth = await sessionHeaders(caller.sub, caller.organization);
    const id = fc.oneof(
      fc.webSegment(),
      hostileString.filter((value) => value.isWellFormed()).map(encodeURIComponent),
      fc.constantFrom('%', '%zz', '%ff%fe', '%00', '..', '%2e%2e', 'NULL'),
      fc.uuid({ version: [4, 7] }),
    );
    await fc.assert(
      fc.asyncProperty(id, fc.constantFrom('GET', 'DELETE'), async (segment, method) => {
        fc.pre(segment !== '');
        const response = await call(\`${path}/\${segment}\`, { method, headers: auth });
        // Segments that decode to a slash route elsewhere; they must still be a clean 404.
        const problem = (await response.clone().json()) as { detail: string };
        if (response.status === 404 && problem.detail.startsWith('No route')) return;
        await expectHandled(response, \`\${method} ${path}/{id}\`, [400, 404]);
      }),
      { numRuns: FUZZ_RUNS },
    );
  });
});
`;
}
