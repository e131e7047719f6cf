// Abuse limits, counted by the Workers Rate Limiting bindings of wrangler.toml (per Cloudflare
// location, approximate). Over a limit: 429 problem+json with Retry-After.
// - Per caller (Clerk user id) on every authenticated route: `limitCaller`, from requireSession.
// - Per client IP (CF-Connecting-IP) on failed authentications, rejected session tokens and bad
//   webhook signatures alike (`countFailedAuthentication`), and on unauthenticated routes that
//   touch the database (`limitClientIp`). Only failures count: a valid token or signature is
//   never limited by other callers' failures from the same address.
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { rateLimitConfig } from '../config.ts';
import { ApiError } from '../lib/problem.ts';
import type { AppEnv } from '../types.ts';

/** The `period` of every [[ratelimits]] binding: a client over a limit may retry after it. */
export const RATE_LIMIT_PERIOD_SECONDS = 60;

const rateLimited = (detail: string) =>
  new ApiError('rate-limited', `${detail} Retry after ${RATE_LIMIT_PERIOD_SECONDS} seconds.`, {
    headers: { 'Retry-After': String(RATE_LIMIT_PERIOD_SECONDS) },
  });

/** Set by Cloudflare's edge on every request from the internet; absent only when called directly. */
function clientIp(c: Context<AppEnv>): string {
  return c.req.header('cf-connecting-ip') ?? 'unknown';
}

/** Counts one request under `key`; throws 429 with `detail` over the limit. */
async function count(limiter: RateLimit, key: string, detail: string): Promise<void> {
  if (!(await limiter.limit({ key })).success) throw rateLimited(detail);
}

/** Counts a request of an authenticated caller; throws 429 over the per-caller limit. */
export async function limitCaller(c: Context<AppEnv>, clerkUserId: string): Promise<void> {
  await count(rateLimitConfig(c.env).perCaller, clerkUserId, 'Too many requests for this user.');
}

/** Counts a failed authentication from the client's IP; throws 429 over the limit. */
export async function countFailedAuthentication(c: Context<AppEnv>): Promise<void> {
  const detail = 'Too many failed authentications from this address.';
  await count(rateLimitConfig(c.env).perClientIp, `failed-auth:${clientIp(c)}`, detail);
}

/** For unauthenticated routes that touch the database: per client IP, before the route runs. */
export const limitClientIp = createMiddleware<AppEnv>(async (c, next) => {
  const detail = 'Too many requests from this address.';
  await count(rateLimitConfig(c.env).perClientIp, `unauthenticated:${clientIp(c)}`, detail);
  await next();
});
