// `npm run probe` as a user runs it, against the local stack (the real Worker under wrangler dev):
// exit 0 when every read shows the write before it, and exit 1 naming the stale reads when a cache
// of reads stands in front of the same Worker, as Hyperdrive's query cache would.
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registeredResources } from '../src/resources.ts';
import { timeBudget } from '../test/budget.ts';
import { type LocalStack, startLocalStack } from './lib/local-stack.ts';
import { PROJECT_ROOT } from './lib/project-root.ts';

// The probe's default collection: the first resource of src/resources.ts (none in a clone without one).
// A probe run: a Node process that loads the registry (the app's route graph: counted as two) and
// sends 18 requests through the stack.
const PROBE_RUN = timeBudget({ processes: 2, requests: 18 });

const collection = registeredResources[0] ? `/v1/${registeredResources[0].folder}` : undefined;
/** A line of the probe's report: `<before> GET <collection>/<id> <after>`. */
const reportLine = (before: string, after: string) =>
  new RegExp(`${before} +GET ${collection?.replaceAll('/', '\\/')}\\/\\S+ ${after}`);

let stack: LocalStack | undefined;
let token = '';

function probe(url: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['scripts/probe.ts', '--url', url],
      { cwd: PROJECT_ROOT, env: { ...process.env, PROBE_TOKEN: token }, timeout: 120_000 },
      (error, stdout, stderr) => resolve({ code: error ? (error.code as number | null) : 0, stdout, stderr }),
    );
  });
}

/** A proxy to `target` that answers each GET it has seen before from what it answered then. */
async function readCache(target: string): Promise<{ url: string; server: Server }> {
  const answers = new Map<string, { status: number; headers: Record<string, string>; body: Buffer }>();
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const key = request.url ?? '/';
    let answer = request.method === 'GET' ? answers.get(key) : undefined;
    if (!answer) {
      const upstream = await fetch(`${target}${key}`, {
        method: request.method,
        headers: Object.fromEntries(
          Object.entries(request.headers).filter(([name]) => name !== 'host' && name !== 'connection'),
        ) as Record<string, string>,
        body: chunks.length ? Buffer.concat(chunks) : null,
      });
      answer = {
        status: upstream.status,
        headers: Object.fromEntries(
          [...upstream.headers].filter(([name]) => !['content-length', 'content-encoding'].includes(name)),
        ),
        body: Buffer.from(await upstream.arrayBuffer()),
      };
      if (request.method === 'GET') answers.set(key, answer);
    }
    response.writeHead(answer.status, answer.headers).end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe.skipIf(!collection)('npm run probe on the first resource', () => {
  beforeAll(
    async () => {
      stack = await startLocalStack({ startTimeoutMs: 150_000 });
      // An organization admin: allowed to write a collection of any owner kind.
      const id = `probe${Date.now()}`;
      token = await stack.sessionToken({ sub: `user_${id}`, organization: { id: `org_${id}`, role: 'org:admin' } });
    },
    timeBudget({ processes: 6 }),
  );

  afterAll(async () => {
    await stack?.stop();
  }, 60_000);

  it('exits 0 when every read shows the write before it', { timeout: PROBE_RUN }, async () => {
    const run = await probe(stack!.url);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('18 steps, every read showed the write before it');
  });

  it('exits 1 naming each stale read behind a cache of reads', { timeout: PROBE_RUN }, async () => {
    const cache = await readCache(stack!.url);
    try {
      const run = await probe(cache.url);
      expect(run.code).toBe(1);
      expect(run.stderr.trim()).toBe('probe: 6 of 18 steps read stale data: a cache answers reads');
      expect(run.stdout).toMatch(
        reportLine('✗ round 1 read after update', '→ 200 \\(\\d+ ms\\): STALE, ETag "1", not "2"'),
      );
      expect(run.stdout).toMatch(reportLine('✗ round 2 read after delete', '→ 200 \\(\\d+ ms\\): STALE'));
    } finally {
      cache.server.close();
    }
  });
});
