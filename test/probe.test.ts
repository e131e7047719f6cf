// `npm run probe` (scripts/lib/probe.ts) against the real Worker, on both drivers: every read shows
// the write before it. Then against the same Worker behind a cache of read answers, as Hyperdrive's
// query cache would serve the statements of reads: the probe names each stale read.
import { describe, expect, it } from 'vitest';
import { ProbeError, type ProbeOptions, probeReadYourWrites } from '../scripts/lib/probe.ts';
import { registeredResources } from '../src/resources.ts';
import { call, uniqueId } from './helpers.ts';
import { claimsFor, signedToken } from './sessions.ts';

/** The Worker, reached with the URLs the probe builds. */
const worker: NonNullable<ProbeOptions['fetch']> = (url, init) => {
  const { pathname, search } = new URL(url);
  return call(`${pathname}${search}`, init);
};

/** Reads answered from a cache once asked, the way a query cache answers a repeated statement. */
function behindReadCache(send: NonNullable<ProbeOptions['fetch']>): NonNullable<ProbeOptions['fetch']> {
  const answers = new Map<string, Response>();
  return async (url, init) => {
    if (init.method !== 'GET') return send(url, init);
    const cached = answers.get(url);
    if (cached) return cached.clone();
    const response = await send(url, init);
    answers.set(url, response.clone());
    return response;
  };
}

// The first resource of src/resources.ts, as `npm run probe` chooses by default (none in a clone without one).
const collection = registeredResources[0] ? `/v1/${registeredResources[0].folder}` : '';

const options = async (overrides: Partial<ProbeOptions> = {}): Promise<ProbeOptions> => ({
  url: 'http://api.test',
  // An organization admin: allowed to write a collection of any owner kind.
  token: await signedToken(claimsFor(uniqueId('user'), { organization: { id: uniqueId('org'), role: 'org:admin' } })),
  path: collection,
  createBody: { name: 'Probe' },
  updateBody: { name: 'Probe, updated' },
  rounds: 2,
  fetch: worker,
  ...overrides,
});

describe.skipIf(!collection)('npm run probe', () => {
  it('finds every read showing the write before it', async () => {
    const report = await probeReadYourWrites(await options());
    expect(report.staleReads).toEqual([]);
    expect(report.steps.map((step) => `${step.name} ${step.status}`)).toEqual(
      Array.from({ length: 2 }, () => [
        'list 200',
        'create 201',
        'read after create 200',
        'list after create 200',
        'update 200',
        'read after update 200',
        'delete 204',
        'read after delete 404',
        'list after delete 200',
      ]).flat(),
    );
  });

  it('reports the reads a cache answered', async () => {
    const report = await probeReadYourWrites(await options({ fetch: behindReadCache(worker), rounds: 1 }));
    expect(report.staleReads.map((step) => [step.name, step.stale])).toEqual([
      ['list after create', expect.stringMatching(/^the list does not show the new row /)],
      ['read after update', 'ETag "1", not "2" of the update'],
      ['read after delete', 'answered 200, not 404, for the deleted row'],
    ]);
  });

  it('stops at a request that fails, in one line', async () => {
    await expect(probeReadYourWrites(await options({ token: 'not-a-token' }))).rejects.toThrow(
      new ProbeError(`GET ${collection}?limit=100 answered 401: The session token is malformed. (expected 200)`),
    );
  });
});
