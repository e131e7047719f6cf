import { describe, expect, it } from 'vitest';
import { type BenchResults, checkTargets, roundTripsAsExpected, type ScenarioResult } from './report.ts';

/** A scenario run whose responses reported `roundTrips` (count of responses by round trips). */
function run(roundTrips: Record<string, number>, extra: Partial<ScenarioResult> = {}): ScenarioResult {
  const responses = Object.values(roundTrips).reduce((sum, n) => sum + n, 0);
  return {
    scenario: 'a',
    label: 'GET /a',
    durationSeconds: 1,
    connections: 1,
    responses,
    sent: responses,
    requestsPerSecond: responses,
    latencyMs: { p50: 1, p95: 1, p99: 1, max: 1, mean: 1 },
    statuses: { 200: responses },
    non2xx: 0,
    socketErrors: 0,
    timeouts: 0,
    roundTrips,
    withoutServerTiming: 0,
    outcomes: {},
    errorSamples: [],
    statementsPerRequest: Number(roundTrips['1'] ?? 0) / Math.max(1, responses),
    workerErrorLogs: 0,
    loadAverage: 0,
    ...extra,
  };
}

describe('round trips per response', () => {
  it('allows at most 1 where a scenario names no count', () => {
    expect(roundTripsAsExpected(run({ 0: 3, 1: 7 }))).toBe(true);
    expect(roundTripsAsExpected(run({ 1: 9, 2: 1 }))).toBe(false);
  });

  it('requires exactly the count a scenario names: a KV hit makes none, a miss one', () => {
    expect(roundTripsAsExpected(run({ 0: 10 }, { expectedRoundTrips: 0 }))).toBe(true);
    expect(roundTripsAsExpected(run({ 0: 9, 1: 1 }, { expectedRoundTrips: 0 }))).toBe(false);
    expect(roundTripsAsExpected(run({ 1: 10 }, { expectedRoundTrips: 1 }))).toBe(true);
    // A "miss" answered from KV measures the wrong path.
    expect(roundTripsAsExpected(run({ 0: 1, 1: 9 }, { expectedRoundTrips: 1 }))).toBe(false);
  });

  it('requires pg_stat_statements to agree, and every response to report', () => {
    expect(roundTripsAsExpected(run({ 0: 10 }, { expectedRoundTrips: 0, statementsPerRequest: 0.5 }))).toBe(false);
    expect(roundTripsAsExpected(run({ 1: 10 }, { statementsPerRequest: 1.5 }))).toBe(false);
    expect(roundTripsAsExpected(run({ 1: 10 }, { withoutServerTiming: 1 }))).toBe(false);
    expect(roundTripsAsExpected(run({}))).toBe(false);
  });

  it('fails the target and names the run', () => {
    const results = {
      drivers: { pg: [run({ 1: 10 }), run({ 0: 9, 1: 1 }, { scenario: 'hit', expectedRoundTrips: 0 })] },
    } as unknown as BenchResults;
    const [target] = checkTargets(results);
    expect(target?.ok).toBe(false);
    expect(target?.detail).toContain('pg hit');
  });
});
