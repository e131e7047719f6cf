// Arranges the fake Clerk Backend API (scripts/lib/clerk-stand-in.ts) for the Worker under test: the
// store is the one of this project's CLERK_SECRET_KEY, the key the Worker calls Clerk with.
import { env } from 'cloudflare:workers';
import { inject } from 'vitest';
import type { Failure } from '../scripts/lib/clerk-stand-in.ts';

const baseUrl = inject('clerkApiUrl');
const auth = { authorization: `Bearer ${env.CLERK_SECRET_KEY}` };

export type ClerkFailure = Failure;

export async function arrangeClerk(fixtures: {
  users?: Record<string, unknown>[];
  organizations?: Record<string, unknown>[];
  failures?: ClerkFailure[];
}): Promise<void> {
  const response = await fetch(`${baseUrl}/__fixtures`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify(fixtures),
  });
  if (response.status !== 204) throw new Error(`fake Clerk API: ${response.status} ${await response.text()}`);
}

/** Requests the fake received for `path` (e.g. `/v1/users/user_123`). */
export async function clerkRequestsTo(path: string): Promise<number> {
  const response = await fetch(`${baseUrl}/__requests`, { headers: auth });
  const { requests } = (await response.json()) as { requests: { method: string; path: string }[] };
  return requests.filter((request) => request.path === path).length;
}
