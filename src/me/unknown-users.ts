// Users Clerk's Backend API answered 404 for, remembered for a minute in the Workers Cache API, so a
// valid token of a user Clerk no longer knows (deleted; the webhook not applied yet) makes one
// Backend API call a minute per Cloudflare location, not one per request. Bounded by the cache
// itself: entries expire, and Cloudflare evicts. Safe to serve stale: a deleted Clerk user does not
// come back, and a user the webhook syncs is read from the database before this is asked.
// (The Cache API does nothing on *.workers.dev, which deployed environments do not use.)

/** How long a 404 from Clerk is trusted. */
export const UNKNOWN_USER_TTL_SECONDS = 60;

/** The cache key: on this Worker's own origin, so each environment keeps its own entries. */
const keyFor = (origin: string, clerkUserId: string) =>
  new Request(`${origin}/__cache/clerk-unknown-users/${encodeURIComponent(clerkUserId)}`);

export async function isKnownUnknown(origin: string, clerkUserId: string): Promise<boolean> {
  const hit = await caches.default.match(keyFor(origin, clerkUserId));
  await hit?.body?.cancel();
  return hit !== undefined;
}

export function rememberUnknown(origin: string, clerkUserId: string): Promise<void> {
  return caches.default.put(
    keyFor(origin, clerkUserId),
    new Response(null, { headers: { 'Cache-Control': `max-age=${UNKNOWN_USER_TTL_SECONDS}` } }),
  );
}
