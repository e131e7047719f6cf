// Guards a route with a Clerk session: puts the caller on the context (`c.var.caller`) or
// answers 401 problem+json. Mounted per route, before body parsing and validation, so an
// anonymous client learns nothing about a route's input rules. Also where the abuse limits of
// authenticated routes are counted (src/middleware/rate-limit.ts): a rejected token against the
// client's IP, a valid one against its user only.
import { createMiddleware } from 'hono/factory';
import { clerkConfig } from '../config.ts';
import { ApiError } from '../lib/problem.ts';
import { countFailedAuthentication, limitCaller } from '../middleware/rate-limit.ts';
import type { AppEnv } from '../types.ts';
import type { Caller } from './caller.ts';
import { bearerToken, verifySessionToken } from './session.ts';

export const requireSession = createMiddleware<AppEnv>(async (c, next) => {
  let caller: Caller;
  try {
    caller = await verifySessionToken(bearerToken(c.req.header('authorization')), clerkConfig(c.env));
  } catch (error) {
    if (error instanceof ApiError && error.problemType === 'unauthorized') await countFailedAuthentication(c);
    throw error;
  }
  c.set('caller', caller);
  c.set('userId', caller.userId);
  await limitCaller(c, caller.userId);
  await next();
});
