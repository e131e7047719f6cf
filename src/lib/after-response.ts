// Work that follows a response (waitUntil): copies outside Postgres (KV, R2) brought in line after
// a commit. A failure is logged, never answered: the response already went out, and the scheduled
// jobs repair what such work missed.
import type { Context } from 'hono';
import type { AppEnv } from '../types.ts';
import { log } from './log.ts';

export function afterResponse(c: Context<AppEnv>, what: string, work: () => Promise<unknown>): void {
  c.executionCtx.waitUntil(
    work().then(undefined, (error: unknown) =>
      log({ level: 'error', msg: `${what} failed`, requestId: c.var.requestId, error: String(error) }),
    ),
  );
}
