import { z } from 'zod';

/**
 * A Clerk id: a type prefix and base62 (`user_2abc...`). Webhook payloads and session tokens are
 * both held to it, so nothing else (a NUL, quotes, whitespace) ever reaches a query as an id.
 */
export const clerkId = (prefix: 'user_' | 'org_' | 'orgmem_' | 'sess_') =>
  z
    .string()
    .max(128)
    .regex(new RegExp(`^${prefix}[A-Za-z0-9_-]+$`), `must be a Clerk id starting with ${prefix}`);
