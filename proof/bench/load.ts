// The load generator: autocannon in a process of its own, so generating requests never competes
// with the driver's event loop. `runLoad(spec)` spawns `node proof/bench/load.ts <spec.json>`; the child
// runs the scenario and writes a LoadResult next to the spec.
//
// Counted per response: status, latency, and the database round trips the Worker reports in
// `Server-Timing: db;dur=X;desc="N round trips"`; webhook responses also by outcome.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { roundTripsIn } from '../../scripts/lib/resource-proof.ts';
import { proofsOf } from '../resources.ts';
import { type ScenarioContext, scenarioCatalogue, scenarioNamed } from './scenarios.ts';

export interface LoadSpec {
  url: string;
  /** A name from scenarioCatalogue. */
  scenario: string;
  context: ScenarioContext;
  durationSeconds: number;
  /** A fixed number of requests instead of a duration (autocannon then ignores the duration). */
  amount?: number;
  connections: number;
}

export interface LoadResult {
  scenario: string;
  durationSeconds: number;
  connections: number;
  /** Completed responses (any status). */
  responses: number;
  /** Requests sent, including those still in flight when the run ended. */
  sent: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number; mean: number };
  statuses: Record<string, number>;
  /** Responses outside 2xx. */
  non2xx: number;
  /** Socket errors and timeouts: requests that got no response at all. */
  socketErrors: number;
  timeouts: number;
  /** Server-Timing round trips: how many responses reported N round trips. */
  roundTrips: Record<string, number>;
  /** Responses without a parsable db Server-Timing entry. */
  withoutServerTiming: number;
  /** Webhook outcomes (`applied`, `stale`, `duplicate`, ...) from 200 bodies. */
  outcomes: Record<string, number>;
  /** A few error responses, for diagnosis. */
  errorSamples: { status: number; body: string }[];
}

/** Runs a scenario in a child process and returns what it measured. */
export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const folder = mkdtempSync(path.join(tmpdir(), 'bench-load-'));
  try {
    const specFile = path.join(folder, 'spec.json');
    writeFileSync(specFile, JSON.stringify(spec));
    const child = spawn(process.execPath, [import.meta.filename, specFile], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    if (code !== 0) throw new Error(`load process for ${spec.scenario} exited with code ${code}`);
    return JSON.parse(readFileSync(path.join(folder, 'result.json'), 'utf8')) as LoadResult;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

async function main(specFile: string): Promise<void> {
  const spec = JSON.parse(readFileSync(specFile, 'utf8')) as LoadSpec;
  // The resources the context was seeded for; the registry (and every route with it) stays unloaded.
  const catalogue = scenarioCatalogue(await proofsOf(Object.keys(spec.context.resources)));
  const next = scenarioNamed(catalogue, spec.scenario).requests(spec.context);
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const roundTrips: Record<string, number> = {};
  const outcomes: Record<string, number> = {};
  const errorSamples: LoadResult['errorSamples'] = [];
  let withoutServerTiming = 0;

  const instance = autocannon({
    url: spec.url,
    connections: spec.connections,
    duration: spec.durationSeconds,
    ...(spec.amount ? { amount: spec.amount } : {}),
    timeout: 15,
    requests: [
      {
        setupRequest: (request) => Object.assign(request, next()),
        onResponse: (status, body, _context, headers) => {
          statuses[status] = (statusCountOf(statuses, status) ?? 0) + 1;
          // Raw header names, as the server spelled them.
          const timing = Object.entries(headers ?? {}).find(([name]) => name.toLowerCase() === 'server-timing')?.[1];
          const count = roundTripsIn(Array.isArray(timing) ? timing.join(',') : timing);
          if (count === undefined) withoutServerTiming++;
          else roundTrips[count] = (roundTrips[count] ?? 0) + 1;
          if (status >= 200 && status < 300 && body.startsWith('{"outcome"')) {
            const outcome = (JSON.parse(body) as { outcome: string }).outcome;
            outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
          }
          if ((status < 200 || status >= 300) && errorSamples.length < 5) {
            errorSamples.push({ status, body: body.slice(0, 500) });
          }
        },
      },
    ],
  });
  // The runtime passes the client first (the bundled types omit it).
  (instance as unknown as NodeJS.EventEmitter).on(
    'response',
    (_client: unknown, _status: number, _bytes: number, ms: number) => {
      latencies.push(ms);
    },
  );
  const result = await instance;

  latencies.sort((a, b) => a - b);
  const at = (q: number) => round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0);
  const responses = latencies.length;
  const non2xx = Object.entries(statuses)
    .filter(([status]) => !status.startsWith('2'))
    .reduce((sum, [, count]) => sum + count, 0);
  const output: LoadResult = {
    scenario: spec.scenario,
    durationSeconds: result.duration,
    connections: spec.connections,
    responses,
    sent: result.requests.sent,
    requestsPerSecond: round(responses / result.duration),
    latencyMs: {
      p50: at(0.5),
      p95: at(0.95),
      p99: at(0.99),
      max: round(latencies.at(-1) ?? 0),
      mean: round(latencies.reduce((sum, ms) => sum + ms, 0) / Math.max(1, responses)),
    },
    statuses,
    non2xx,
    socketErrors: result.errors - result.timeouts,
    timeouts: result.timeouts,
    roundTrips,
    withoutServerTiming,
    outcomes,
    errorSamples,
  };
  writeFileSync(path.join(path.dirname(specFile), 'result.json'), JSON.stringify(output));
}

function statusCountOf(statuses: Record<string, number>, status: number): number | undefined {
  return statuses[String(status)];
}

const round = (value: number) => Math.round(value * 100) / 100;

if (import.meta.filename === path.resolve(process.argv[1] ?? '')) {
  await main(process.argv[2]!);
}
