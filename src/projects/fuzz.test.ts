// Bad input of every kind is a 4xx problem, never a 500, and always a documented answer: the
// project routes, and the public pages and assets of published projects.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { timeBudget } from '../../test/budget.ts';
import { documented } from '../../test/contract.ts';
import { contentType, FUZZ_RUNS, headerValue, hostileBody, hostileString } from '../../test/fuzz.ts';
import { call, uniqueId } from '../../test/helpers.ts';
import { sessionHeaders } from '../../test/sessions.ts';
import { createProject } from './testing.ts';

const caller = { sub: uniqueId('user'), organization: { id: uniqueId('org'), role: 'org:admin' } };

async function expectHandled(response: Response, operation: string, allowed: number[]) {
  expect(allowed).toContain(response.status);
  await documented(response, operation);
}

describe('fuzzed input never yields a 500', { timeout: timeBudget({ requests: FUZZ_RUNS + 1 }) }, () => {
  it('POST /v1/projects bodies, content types and idempotency keys', async () => {
    const auth = await sessionHeaders(caller.sub, caller.organization);
    await fc.assert(
      fc.asyncProperty(
        hostileBody,
        contentType,
        fc.option(headerValue, { nil: undefined }),
        async (body, type, key) => {
          const headers: Record<string, string> = { ...auth, 'content-type': type };
          if (key !== undefined) headers['idempotency-key'] = key;
          const response = await call('/v1/projects', { method: 'POST', headers, body });
          await expectHandled(response, 'POST /v1/projects', [201, 400, 415, 422]);
        },
      ),
      { numRuns: FUZZ_RUNS },
    );
  });

  it('PATCH /v1/projects/{id} bodies and If-Match headers', async () => {
    const auth = await sessionHeaders(caller.sub, caller.organization);
    const target = await createProject(caller, 'fuzz target');
    await fc.assert(
      fc.asyncProperty(hostileBody, fc.option(headerValue, { nil: undefined }), async (body, ifMatch) => {
        const headers: Record<string, string> = { ...auth, 'content-type': 'application/json' };
        if (ifMatch !== undefined) headers['if-match'] = ifMatch;
        const response = await call(`/v1/projects/${target.id}`, { method: 'PATCH', headers, body });
        await expectHandled(response, 'PATCH /v1/projects/{id}', [200, 400, 412]);
      }),
      { numRuns: FUZZ_RUNS },
    );
  });

  it('GET /v1/projects query strings', async () => {
    const auth = await sessionHeaders(caller.sub, caller.organization);
    const parameter = fc.tuple(fc.constantFrom('limit', 'cursor', 'sort', 'limit[]', ''), hostileString);
    const query = fc.oneof(
      fc.array(parameter, { maxLength: 4 }).map((pairs) => new URLSearchParams(pairs).toString()),
      fc.webQueryParameters(),
    );
    await fc.assert(
      fc.asyncProperty(query, async (search) => {
        const response = await call(`/v1/projects?${search}`, { headers: auth });
        await expectHandled(response, 'GET /v1/projects', [200, 400]);
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
        const response = await call(`/v1/projects/${segment}`, { method, headers: auth });
        // Segments that decode to a slash route elsewhere; they must still be a clean 404.
        const problem = (await response.clone().json()) as { detail: string };
        if (response.status === 404 && problem.detail.startsWith('No route')) return;
        await expectHandled(response, `${method} /v1/projects/{id}`, [400, 404]);
      }),
      { numRuns: FUZZ_RUNS },
    );
  });
});

describe('fuzzed input to the public pages and assets never yields a 500', {
  timeout: timeBudget({ requests: 3 * FUZZ_RUNS + 10 }),
}, () => {
  const segment = fc.oneof(
    fc.webSegment(),
    hostileString.filter((value) => value.isWellFormed()).map(encodeURIComponent),
    fc.constantFrom('%', '%zz', '%ff%fe', '%00', '..', '%2e%2e', 'a%2Fb', 'NULL', 'A'.repeat(300)),
  );
  const notFoundRoute = async (response: Response) =>
    response.status === 404 && ((await response.clone().json()) as { detail: string }).detail.startsWith('No route');

  it('GET /p/{slug} and /p/{slug}/assets/{name}, with hostile caching and range headers', async () => {
    const slug = `fuzz-${crypto.randomUUID().slice(0, 8)}`;
    const project = await createProject(caller, 'fuzz page');
    await call(`/v1/projects/${project.id}/publication`, {
      method: 'PUT',
      headers: { ...(await sessionHeaders(caller.sub, caller.organization)), 'content-type': 'application/json' },
      body: JSON.stringify({ slug }),
    });
    const path = fc.oneof(
      segment.map((value) => ({ operation: 'GET /p/{slug}', path: `/p/${value}` })),
      fc.tuple(fc.constantFrom(slug, 'x'), segment, fc.option(segment, { nil: undefined })).map(([page, name, v]) => ({
        operation: 'GET /p/{slug}/assets/{name}',
        path: `/p/${page}/assets/${name}${v === undefined ? '' : `?v=${v}`}`,
      })),
    );
    const headers = fc.record(
      { 'if-none-match': headerValue, range: headerValue, 'if-range': headerValue },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(path, headers, async (request, extra) => {
        fc.pre(request.path.length < 2_000);
        const response = await call(request.path, { headers: extra });
        if (await notFoundRoute(response)) return;
        await expectHandled(response, request.operation, [200, 206, 304, 400, 404, 416]);
      }),
      { numRuns: FUZZ_RUNS },
    );
  });

  it('PUT /v1/projects/{id}/assets/{name}: names, content types and bodies', async () => {
    const auth = await sessionHeaders(caller.sub, caller.organization);
    const project = await createProject(caller, 'fuzz assets');
    // Bodies start with a byte no accepted format starts with: nothing is ever stored.
    const body = fc.uint8Array({ maxLength: 2_000 }).map((bytes) => new Uint8Array([0, ...bytes]));
    const type = fc.oneof(
      fc.constantFrom('image/png', 'image/jpeg', 'image/webp', 'application/pdf', 'text/html', 'image/svg+xml', ''),
      headerValue,
    );
    await fc.assert(
      fc.asyncProperty(segment, type, body, async (name, contentType, bytes) => {
        const response = await call(`/v1/projects/${project.id}/assets/${name}`, {
          method: 'PUT',
          headers: { ...auth, 'content-type': contentType },
          body: bytes,
        });
        if (await notFoundRoute(response)) return;
        await expectHandled(response, 'PUT /v1/projects/{id}/assets/{name}', [400, 413, 415]);
      }),
      { numRuns: FUZZ_RUNS },
    );
  });
});
