// Write-then-read pairs against a running API (`npm run probe`): each read must show the write just
// before it. A stale read is what Hyperdrive's query cache would cause (README, "Hyperdrive and
// read-your-writes"): a read repeated within a minute answered from the cache, so an update, a
// delete or a new row in a list does not show. Only `fetch`, so the Worker tests run it too.
//
// One round, on a collection such as /v1/widgets (keyset pages `{data}`, ETag / If-Match):
//   list, create, read, list, update, read, delete, read, list.

export interface ProbeOptions {
  /** The API's base URL, e.g. https://api.example.com */
  url: string;
  /** A Clerk session token of the environment (a personal session, or an organization admin). */
  token: string;
  /** The collection, e.g. /v1/widgets */
  path: string;
  createBody: unknown;
  updateBody: unknown;
  rounds: number;
  fetch?: (url: string, init: RequestInit) => Promise<Response>;
  /** Called with each step as it completes. */
  onStep?: (step: ProbeStep) => void;
}

export interface ProbeStep {
  round: number;
  name: string;
  request: string;
  status: number;
  ms: number;
  /** Why the read did not show the write before it; absent when it did. */
  stale?: string;
}

export interface ProbeReport {
  steps: ProbeStep[];
  staleReads: ProbeStep[];
}

/** A request that failed outright (unreachable, rejected token, unexpected status): one line. */
export class ProbeError extends Error {
  override name = 'ProbeError';
}

interface Answer {
  status: number;
  etag: string | null;
  body: unknown;
}

export async function probeReadYourWrites(options: ProbeOptions): Promise<ProbeReport> {
  const send = options.fetch ?? ((url: string, init: RequestInit) => fetch(url, init));
  const base = `${options.url.replace(/\/+$/, '')}${options.path}`;
  const steps: ProbeStep[] = [];

  async function request(method: string, suffix: string, init: { body?: unknown; ifMatch?: string } = {}) {
    const target = `${base}${suffix}`;
    const headers: Record<string, string> = { authorization: `Bearer ${options.token}` };
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    if (init.ifMatch) headers['if-match'] = init.ifMatch;
    const started = performance.now();
    let response: Response;
    try {
      response = await send(target, {
        method,
        headers,
        body: init.body === undefined ? null : JSON.stringify(init.body),
        signal: AbortSignal.timeout(15_000),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new ProbeError(`no API answered ${method} ${target} (${cause?.code ?? cause?.message ?? String(error)})`);
    }
    const text = await response.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    const answer: Answer = { status: response.status, etag: response.headers.get('etag'), body };
    return { answer, label: `${method} ${options.path}${suffix}`, ms: Math.round(performance.now() - started) };
  }

  const record = (round: number, name: string, sent: { label: string; ms: number; answer: Answer }, stale?: string) => {
    const step: ProbeStep = { round, name, request: sent.label, status: sent.answer.status, ms: sent.ms };
    if (stale) step.stale = stale;
    steps.push(step);
    options.onStep?.(step);
  };

  /** A write must succeed with `status`; anything else ends the probe. */
  const expectStatus = (sent: { label: string; answer: Answer }, status: number) => {
    if (sent.answer.status !== status) {
      const detail = (sent.answer.body as { detail?: unknown } | undefined)?.detail;
      throw new ProbeError(
        `${sent.label} answered ${sent.answer.status}${typeof detail === 'string' ? `: ${detail}` : ''} (expected ${status})`,
      );
    }
  };

  /** Whether a page lists `id`; the list itself must answer 200 with `{data: [...]}`. */
  const listed = (sent: { label: string; answer: Answer }, id: string) => {
    expectStatus(sent, 200);
    const data = (sent.answer.body as { data?: { id?: unknown }[] } | undefined)?.data;
    if (!Array.isArray(data)) throw new ProbeError(`${sent.label} answered without a \`data\` array`);
    return data.some((item) => item.id === id);
  };

  for (let round = 1; round <= options.rounds; round += 1) {
    // The list first: a cache would now hold it, and answer the list after the create from there.
    const before = await request('GET', '?limit=100');
    expectStatus(before, 200);
    record(round, 'list', before);

    const created = await request('POST', '', { body: options.createBody });
    expectStatus(created, 201);
    record(round, 'create', created);
    const id = (created.answer.body as { id?: unknown } | undefined)?.id;
    if (typeof id !== 'string') throw new ProbeError(`${created.label} answered 201 without an id`);
    let deleted = false;
    try {
      const read = await request('GET', `/${id}`);
      record(round, 'read after create', read, differs(read.answer, created.answer, 'the created row'));

      const list = await request('GET', '?limit=100');
      const shown = listed(list, id);
      record(round, 'list after create', list, shown ? undefined : `the list does not show the new row ${id}`);

      const updated = await request('PATCH', `/${id}`, {
        body: options.updateBody,
        ...(created.answer.etag ? { ifMatch: created.answer.etag } : {}),
      });
      expectStatus(updated, 200);
      record(round, 'update', updated);
      const reread = await request('GET', `/${id}`);
      record(round, 'read after update', reread, differs(reread.answer, updated.answer, 'the update'));

      const gone = await request('DELETE', `/${id}`);
      expectStatus(gone, 204);
      deleted = true;
      record(round, 'delete', gone);
      const readGone = await request('GET', `/${id}`);
      record(
        round,
        'read after delete',
        readGone,
        readGone.answer.status === 404 ? undefined : `answered ${readGone.answer.status}, not 404, for the deleted row`,
      );
      const after = await request('GET', '?limit=100');
      record(
        round,
        'list after delete',
        after,
        listed(after, id) ? `the list still shows the deleted row ${id}` : undefined,
      );
    } finally {
      // Never leave a probe row behind, whatever failed.
      if (!deleted) await request('DELETE', `/${id}`).catch(() => undefined);
    }
  }
  return { steps, staleReads: steps.filter((step) => step.stale !== undefined) };
}

/** Why `read` does not show `written` (status, ETag or body), or undefined when it does. */
function differs(read: Answer, written: Answer, what: string): string | undefined {
  if (read.status !== 200) return `answered ${read.status}, not 200, after ${what}`;
  if (written.etag && read.etag !== written.etag) {
    return `ETag ${read.etag ?? 'none'}, not ${written.etag} of ${what}`;
  }
  if (canonical(read.body) !== canonical(written.body)) return `a body other than ${what}'s`;
  return undefined;
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_, item: unknown) =>
    item !== null && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : 1)))
      : item,
  );
}
