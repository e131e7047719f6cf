// Guards a route with a Clerk session: puts the caller on the context (`c.var.caller`) or
// answers 401 problem+json. Mounted per route, before body parsing and validation, so an
// anonymous client learns nothing about a route's input rules.
import { createMiddleware } from 'hono/factory';
import { clerkConfig } from '../config.ts';
import type { AppEnv } from '../types.ts';
import { bearerToken, verifySessionToken } from './session.ts';

export const requireSession = createMiddleware<AppEnv>(async (c, next) => {
  const caller = await verifySessionToken(bearerToken(c.req.header('authorization')), clerkConfig(c.env));
  c.set('caller', caller);
  c.set('userId', caller.userId);
  await next();
});
