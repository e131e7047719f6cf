// Request id, one structured log line per request, and Server-Timing with the database time.
// The request id a client sends is kept only when it is a plausible id (characters, length), so
// nothing a client chooses lands unfiltered in logs and headers. Server-Timing tells anyone how
// long the database took and how many round trips a request made: sent in development and where
// SERVER_TIMING=true (src/config.ts), not to every anonymous caller in production.
import { createMiddleware } from 'hono/factory';
import { diagnosticsConfig } from '../config.ts';
import { log } from '../lib/log.ts';
import type { AppEnv } from '../types.ts';

const INCOMING_ID = /^[A-Za-z0-9._:-]{8,128}$/;

export const requestContext = createMiddleware<AppEnv>(async (c, next) => {
  const started = performance.now();
  const incoming = c.req.header('x-request-id');
  const requestId = incoming && INCOMING_ID.test(incoming) ? incoming : crypto.randomUUID();
  c.set('requestId', requestId);
  c.set('dbStats', { roundTrips: 0, durationMs: 0 });
  const { serverTiming } = diagnosticsConfig(c.env);

  await next();

  const { roundTrips, durationMs } = c.var.dbStats;
  c.header('X-Request-Id', requestId);
  // Round trips are published so tests and the benchmark can see them per request.
  if (serverTiming) {
    c.header('Server-Timing', `db;dur=${durationMs.toFixed(1)};desc="${roundTrips} round trips"`, { append: true });
  }
  log({
    level: c.res.status >= 500 ? 'error' : 'info',
    msg: 'request',
    requestId,
    method: c.req.method,
    route: c.req.routePath,
    status: c.res.status,
    durationMs: round(performance.now() - started),
    dbMs: round(durationMs),
    dbRoundTrips: roundTrips,
    userId: c.var.userId,
  });
});

const round = (ms: number) => Math.round(ms * 10) / 10;
