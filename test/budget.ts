// Time budgets for tests that do a lot of work, from the amount of work: a test is allowed a
// fixed sum for its own set-up plus an allowance per request. The allowance is sized for a
// 2-core machine running another CPU-heavy job (load average about 9), where one request
// through workerd and Postgres takes up to ~20 times its idle latency; a test that hangs still
// fails, and one that merely runs on a busy machine does not.
const BASE_MS = 20_000;
const PER_REQUEST_MS = 250;
// A Node process that loads a script's TypeScript import graph: ~1.5 s of CPU when idle.
const PER_PROCESS_MS = 20_000;

export function timeBudget(work: { requests?: number; processes?: number }): number {
  return BASE_MS + (work.requests ?? 0) * PER_REQUEST_MS + (work.processes ?? 0) * PER_PROCESS_MS;
}
