// Clerk's Backend API (CLERK_API_URL), for data a session token does not carry. Answers are
// validated with the same zod schemas as webhook payloads, so both paths store the same shape.
import type { clerkApiConfig } from '../config.ts';
import { type ClerkUser, clerkUser } from './events.ts';

export type ClerkApiConfig = ReturnType<typeof clerkApiConfig>;

/** Upper bound for one Clerk call: a slow Clerk becomes a 503, not a hung request. */
const CLERK_TIMEOUT_MS = 5_000;

export type ClerkUserLookup =
  | { status: 'found'; user: ClerkUser }
  | { status: 'not-found' }
  /** Unreachable, rate-limited, failing or answering nonsense: retry later. */
  | { status: 'unavailable'; reason: string; retryAfterSeconds: number | undefined };

export async function fetchClerkUser(config: ClerkApiConfig, clerkUserId: string): Promise<ClerkUserLookup> {
  let response: Response;
  try {
    response = await fetch(`${config.apiUrl}/v1/users/${encodeURIComponent(clerkUserId)}`, {
      headers: { Authorization: `Bearer ${config.secretKey}`, Accept: 'application/json' },
      signal: AbortSignal.timeout(CLERK_TIMEOUT_MS),
    });
  } catch (error) {
    return unavailable(`request failed: ${error instanceof Error ? error.name : String(error)}`, undefined);
  }
  if (response.status === 404) {
    await response.body?.cancel();
    return { status: 'not-found' };
  }
  if (!response.ok) {
    await response.body?.cancel();
    return unavailable(`HTTP ${response.status}`, retryAfterSeconds(response.headers.get('retry-after')));
  }
  const parsed = clerkUser.safeParse(await response.json().catch(() => undefined));
  if (!parsed.success || parsed.data.id !== clerkUserId) return unavailable('unexpected response body', undefined);
  return { status: 'found', user: parsed.data };
}

export type ClerkPage = { status: 'ok'; objects: unknown[] } | Extract<ClerkUserLookup, { status: 'unavailable' }>;

/**
 * One page of users or organizations, most recently updated first. Objects are returned
 * unvalidated: the caller validates each, so one odd object does not sink the page.
 */
export async function listClerkObjects(
  config: ClerkApiConfig,
  kind: 'users' | 'organizations',
  page: { limit: number; offset: number },
): Promise<ClerkPage> {
  let response: Response;
  try {
    response = await fetch(
      `${config.apiUrl}/v1/${kind}?limit=${page.limit}&offset=${page.offset}&order_by=-updated_at`,
      {
        headers: { Authorization: `Bearer ${config.secretKey}`, Accept: 'application/json' },
        signal: AbortSignal.timeout(CLERK_TIMEOUT_MS),
      },
    );
  } catch (error) {
    return unavailable(`request failed: ${error instanceof Error ? error.name : String(error)}`, undefined);
  }
  if (!response.ok) {
    await response.body?.cancel();
    return unavailable(`HTTP ${response.status}`, retryAfterSeconds(response.headers.get('retry-after')));
  }
  const body = (await response.json().catch(() => undefined)) as unknown;
  // /v1/users answers a bare array; /v1/organizations wraps it in {data, total_count}.
  const objects = Array.isArray(body) ? body : (body as { data?: unknown } | undefined)?.data;
  return Array.isArray(objects) ? { status: 'ok', objects } : unavailable('unexpected response body', undefined);
}

function unavailable(
  reason: string,
  retryAfter: number | undefined,
): Extract<ClerkUserLookup, { status: 'unavailable' }> {
  return { status: 'unavailable', reason, retryAfterSeconds: retryAfter };
}

/** Retry-After in seconds (the delta form Clerk sends), capped so a client is not parked for long. */
function retryAfterSeconds(header: string | null): number | undefined {
  if (header === null || !/^\d{1,6}$/.test(header.trim())) return undefined;
  return Math.min(Number(header), 60);
}
