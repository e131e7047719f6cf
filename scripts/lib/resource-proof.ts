// A resource's part of the proof suites (proof/): `src/<folder>/proof.ts` exports `proof`, a
// ResourceProof, found through src/resources.ts. The benchmark measures its scenarios and the
// reliability suite mixes them into its load; the hostile-input check sends its request shapes
// with every hostile payload and stores the payloads through it. Kept outside proof/ so that a
// resource's proof.ts still type-checks when a team deletes the suites.

/** What JSON can carry: a seed travels to the load generator's own process as JSON. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** One request to the Worker; `path` includes the query string. */
export interface ProofRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** The running Worker, as a resource's seed sees it. */
export interface ProofApi {
  /** `fetch` against the Worker, e.g. `api.fetch('/v1/widgets', { method: 'POST', ... })`. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /**
   * A new user, synced as Clerk's `user.created` webhook syncs one, and a session token for it;
   * with `organization`, a session whose active organization is one of its own, as `org:admin`.
   */
  signUp(name: string, options?: { organization?: boolean }): Promise<string>;
}

export interface ProofScenario<Seeded extends Json> {
  /** Its row name in the benchmark tables, e.g. `GET /v1/widgets?limit=50`. */
  label: string;
  /** Measured on its own by `npm run bench`; false: only part of the mixed load. */
  bench: boolean;
  /** Its share of the reliability suite's mixed load, next to the core endpoints' 10; 0: not in it. */
  mixedWeight: number;
  /**
   * The database round trips every response reports (Server-Timing): 0 for one answered from an
   * edge store (KV, R2) alone, which the database outage check also sends while PostgreSQL is
   * down. The benchmark fails on any other count.
   */
  roundTrips: 0 | 1;
  /**
   * For requests that must each be the first of their kind (a cache miss, which the first request
   * fills): creates, through the Worker, what `count` more of them need and returns the seed to
   * build them from. The benchmark calls it before each run of the scenario (warm-up and measured)
   * with that run's number of requests; leave its mixedWeight at 0.
   */
  prepare?(api: ProofApi, seeded: Seeded, count: number): Promise<Seeded>;
  /** A stream of requests; `marker` is unique per run (use it in Idempotency-Keys and names). */
  requests(seeded: Seeded, marker: string): () => ProofRequest;
}

/** `4xx`: rejection is certain. `lt500`: the payload may be acceptable there (`?limit=-1`); only a 5xx fails. */
export type Expect = '4xx' | 'lt500';

/** A request that must be rejected (or, with `lt500`, at least not fail). */
export interface HostileRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  expect: Expect;
}

/** A request as built, for reports: its shape's name and the payload, shortened. */
export type NamedRequest<R extends HostileRequest = HostileRequest> = R & { template: string; payload: string };

/** A request shape, built once with every hostile payload (`serial` counts every request built). */
export interface HostileTemplate<R extends HostileRequest = HostileRequest> {
  name: string;
  build(payload: string, serial: number): Promise<NamedRequest<R>>;
}

export interface HostileCallers {
  /** For rows the attacker's requests aim at, created with `victim`'s token. */
  api: ProofApi;
  /** A valid session token of a synced user who owns nothing. */
  attacker: string;
  /** Another synced user's valid session token. */
  victim: string;
  /** One of the forged, expired and otherwise invalid tokens, chosen by `serial`. */
  forged(serial: number): string;
}

export interface ResourceProof<Seeded extends Json> {
  /** Creates what the scenarios read, through the Worker (unique names per call: runs share a database). */
  seed(api: ProofApi): Promise<Seeded>;
  /** By name; the suites call them `<folder>-<name>`. */
  scenarios: Record<string, ProofScenario<Seeded>>;
  /** Request shapes that must be rejected, in every parameter of every route of the resource. */
  hostile(callers: HostileCallers): Promise<HostileTemplate[]>;
  /**
   * A valid create carrying `payload` (at most 2,000 characters). The suite POSTs it as the
   * attacker twice with one Idempotency-Key, then requires: never a 5xx, and for a 201, every
   * field of `body` reading back unchanged from its `Location`, and the retry answering with the
   * same `Location`.
   */
  verbatim(payload: string): { path: string; body: Record<string, string> };
}

/** The database round trips a response reports in `Server-Timing: db;dur=X;desc="N round trips"`. */
export function roundTripsIn(serverTiming: string | null | undefined): number | undefined {
  const match = /db;dur=[\d.]+;desc="(\d+) round trips"/.exec(serverTiming ?? '');
  return match ? Number(match[1]) : undefined;
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
export const jsonContent = { 'content-type': 'application/json' };

/** What an HTTP client can put in a header as is: visible ASCII and Latin-1 bytes, inner spaces and tabs. */
const headerSafe = (value: string) =>
  value.length <= 8_000 && /^[\x21-\x7e\x80-\xff]([\t\x20-\x7e\x80-\xff]*[\x21-\x7e\x80-\xff])?$/.test(value);

/**
 * Percent-encoding that keeps unpaired surrogates (encodeURIComponent throws on them): they go out
 * as the 3-byte sequences UTF-8 forbids (e.g. %ED%A0%80), which is what a hostile client sends.
 */
export function percentEncode(value: string): string {
  let out = '';
  // for...of walks code points; an unpaired surrogate comes out alone.
  for (const segment of value) {
    if (!segment.isWellFormed()) {
      const unit = segment.charCodeAt(0);
      out += [0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)]
        .map((byte) => `%${byte.toString(16).toUpperCase()}`)
        .join('');
    } else out += encodeURIComponent(segment);
  }
  return out;
}

/** `prefix` + the payload, percent-encoded where a header cannot carry it as is. */
export const asHeader = (payload: string, prefix = '') =>
  headerSafe(prefix + payload) ? prefix + payload : prefix + percentEncode(payload).slice(0, 8_000);

/** A named request shape; reports show the payload shortened. */
export function hostileTemplate<R extends HostileRequest = HostileRequest>(
  name: string,
  build: (payload: string, serial: number) => R | Promise<R>,
): HostileTemplate<R> {
  return {
    name,
    build: async (payload, serial) => ({
      template: name,
      payload: JSON.stringify(payload.slice(0, 40)),
      ...(await build(payload, serial)),
    }),
  };
}
