// `npm run bench -- --rtt N`: the database N ms away from the Worker, each way, on both drivers; the
// template against a naive baseline (proof/bench/naive/) that makes several round trips where the
// template makes one. On pg a pooling proxy between Hyperdrive's local connection string and
// PostgreSQL holds every query message (proof/bench/rtt-proxy.ts); on Neon HTTP the local
// endpoint holds every request (scripts/neon-http-server.ts). Both Workers run side by side, each
// with its own stack; each scenario is measured on one, then the other.
import path from 'node:path';
import type { Driver, LocalStack } from '../../scripts/lib/local-stack.ts';
import { startLocalStack } from '../../scripts/lib/local-stack.ts';
import { mapConcurrent } from '../../scripts/lib/map-concurrent.ts';
import { postgresServerOf } from '../../scripts/neon-http-server.ts';
import type { LoadedProof } from '../resources.ts';
import { describeMachine, type Machine } from './machine.ts';
import { measureScenario } from './measure.ts';
import { DRIVER_LABELS, errorsOf } from './report.ts';
import { checkParity } from './rtt-parity.ts';
import { startDistanceProxy } from './rtt-proxy.ts';
import type { Scenario, ScenarioContext } from './scenarios.ts';
import { seed } from './seed.ts';
import { PostgresObserver, proofApi } from './stack-client.ts';

/** Few connections: the figures are what one request waits, not a saturated machine's queue. */
export const RTT_CONNECTIONS = 2;

/** The scenarios compared: what the baseline implements. */
export const RTT_SCENARIOS = ['webhook', 'projects-create', 'projects-list'];

const WORKERS = {
  template: {},
  baseline: { wranglerConfig: path.join(import.meta.dirname, 'naive', 'wrangler.toml') },
} as const;
type Worker = keyof typeof WORKERS;

export interface RttMeasure {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  responses: number;
  /** Non-2xx responses, socket errors and timeouts. */
  errors: number;
  /** pg_stat_statements calls in the app's database per request: its round trips. */
  statementsPerRequest: number | null;
  loadAverage: number;
}

export interface RttRow {
  scenario: string;
  label: string;
  driver: Driver;
  template: RttMeasure;
  baseline: RttMeasure;
  /** Baseline p50 ÷ template p50. */
  p50Ratio: number;
}

export interface RttResults {
  generatedAt: string;
  command: string;
  machine: Machine;
  oneWayDelayMs: number;
  settings: { durationSeconds: number; warmupSeconds: number; connections: number };
  /** Requests each driver's parity check sent to both Workers, with the same answers. */
  parityChecks: Record<string, number>;
  rows: RttRow[];
  target: { name: string; ok: boolean; detail: string };
}

export interface RttOptions {
  oneWayDelayMs: number;
  drivers: Driver[];
  scenarios: Scenario[];
  proofs: LoadedProof[];
  durationSeconds: number;
  warmupSeconds: number;
  connections: number;
  command: string;
  machine: Machine;
  log(message: string): void;
}

/**
 * The baseline serves only what the comparison measures, so it gets only that part of the
 * example's seed (src/projects/proof.ts): a lister with 120 projects and five creators. Its other
 * routes (publication, assets) do not exist there; their seeded lists stay empty.
 */
async function seedBaseline(stack: LocalStack): Promise<ScenarioContext> {
  const marker = `b${Date.now().toString(36)}`;
  const api = proofApi(stack, `${marker}_projects`);
  const listToken = await api.signUp('lister');
  const createTokens: string[] = [];
  for (let n = 0; n < 5; n++) createTokens.push(await api.signUp(`creator${n}`));
  const projectIds = await mapConcurrent(
    Array.from({ length: 120 }, (_, n) => n),
    8,
    async (n) => {
      const response = await api.fetch('/v1/projects', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${listToken}` },
        body: JSON.stringify({ name: `Seeded project ${n}` }),
      });
      if (response.status !== 201) throw new Error(`seeding the baseline: ${response.status} ${await response.text()}`);
      return ((await response.json()) as { id: string }).id;
    },
  );
  const projects = { listToken, createTokens, projectIds, pages: [], files: [], unreadPages: [] };
  return { marker, webhookSecret: stack.webhookSecret, meTokens: [], resources: { projects } };
}

export async function compareAtDistance(options: RttOptions): Promise<RttResults> {
  const { oneWayDelayMs, log } = options;
  const rows: RttRow[] = [];
  const parityChecks: Record<string, number> = {};
  for (const driver of options.drivers) {
    const stacks: Partial<Record<Worker, { stack: LocalStack; observer: PostgresObserver }>> = {};
    try {
      for (const worker of Object.keys(WORKERS) as Worker[]) {
        log(`starting the ${worker} on the ${driver} driver, the database ${oneWayDelayMs} ms away each way`);
        const stack = await startLocalStack({
          driver,
          ...WORKERS[worker],
          neonHttpOneWayDelayMs: oneWayDelayMs,
          hyperdriveRelay: async (databaseUrl) => {
            const proxy = await startDistanceProxy(postgresServerOf(databaseUrl), oneWayDelayMs);
            const url = new URL(databaseUrl);
            url.hostname = '127.0.0.1';
            url.port = String(proxy.port);
            return { connectionString: url.href, close: proxy.close };
          },
        });
        stacks[worker] = { stack, observer: await PostgresObserver.connect(stack.adminUrl) };
      }
      const template = stacks.template!;
      const baseline = stacks.baseline!;
      const withProjects = options.proofs.some((proof) => proof.folder === 'projects');
      parityChecks[driver] = await checkParity(template.stack, baseline.stack, withProjects);
      log(`${driver}: the baseline answered ${parityChecks[driver]} parity requests as the template did`);
      const contexts = {
        template: await seed(template.stack, options.proofs),
        baseline: await seedBaseline(baseline.stack),
      };
      for (const scenario of options.scenarios) {
        const measured = {} as Record<Worker, RttMeasure>;
        for (const worker of Object.keys(WORKERS) as Worker[]) {
          const { stack, observer } = stacks[worker]!;
          const context = contexts[worker];
          const { result, statementsPerRequest, loadAverage } = await measureScenario({
            stack,
            observer,
            scenario,
            context: { ...context, marker: `${context.marker}${scenario.name}` },
            connections: options.connections,
            durationSeconds: options.durationSeconds,
            warmupSeconds: options.warmupSeconds,
            log,
          });
          measured[worker] = {
            requestsPerSecond: result.requestsPerSecond,
            p50: result.latencyMs.p50,
            p99: result.latencyMs.p99,
            responses: result.responses,
            errors: errorsOf(result),
            statementsPerRequest,
            loadAverage,
          };
          const m = measured[worker];
          log(
            `${driver} ${scenario.name} ${worker}: p50 ${m.p50} ms, p99 ${m.p99} ms, ${m.errors} errors, ` +
              `${m.statementsPerRequest} statements/request`,
          );
        }
        rows.push({
          scenario: scenario.name,
          label: scenario.label,
          driver,
          ...measured,
          p50Ratio: Math.round((measured.baseline.p50 / measured.template.p50) * 100) / 100,
        });
      }
    } finally {
      for (const entry of Object.values(stacks)) {
        await entry?.observer.close();
        await entry?.stack.stop();
      }
    }
  }
  const errors = rows.reduce((sum, row) => sum + row.template.errors + row.baseline.errors, 0);
  const slowest = rows.reduce<RttRow | undefined>(
    (low, row) => (!low || row.p50Ratio < low.p50Ratio ? row : low),
    undefined,
  );
  return {
    generatedAt: new Date().toISOString(),
    command: options.command,
    machine: options.machine,
    oneWayDelayMs,
    settings: {
      durationSeconds: options.durationSeconds,
      warmupSeconds: options.warmupSeconds,
      connections: options.connections,
    },
    parityChecks,
    rows,
    target: {
      name: 'template p50 at least 2x lower than the baseline’s, 0 errors',
      ok: errors === 0 && rows.length > 0 && rows.every((row) => row.p50Ratio >= 2),
      detail: slowest
        ? `lowest ratio ${slowest.p50Ratio}x (${slowest.label}, ${DRIVER_LABELS[slowest.driver]}); ${errors} errors`
        : 'nothing measured',
    },
  };
}

/** The table for proof/bench/README.md and README.md. */
export function renderRttTable(results: RttResults): string {
  const { settings, machine } = results;
  const loads = results.rows.flatMap((row) => [row.template.loadAverage, row.baseline.loadAverage]);
  const lines = [
    `\`${results.command}\` on ${describeMachine(machine)}, ${results.generatedAt.slice(0, 10)}: the database ` +
      `${results.oneWayDelayMs} ms from the Worker each way; ${settings.connections} connections, ` +
      `${settings.durationSeconds} s per scenario after ${settings.warmupSeconds} s of warm-up ` +
      `(1-minute load average ${Math.min(...loads)}–${Math.max(...loads)}).`,
    '',
    '| scenario | driver | template p50 / p99 ms | baseline p50 / p99 ms | baseline p50 ÷ template p50 | statements per request: template / baseline |',
    '|---|---|--:|--:|--:|--:|',
  ];
  for (const row of results.rows) {
    lines.push(
      `| ${row.label} | ${DRIVER_LABELS[row.driver] ?? row.driver} | ${row.template.p50} / ${row.template.p99} | ` +
        `${row.baseline.p50} / ${row.baseline.p99} | ${row.p50Ratio}x | ` +
        `${row.template.statementsPerRequest} / ${row.baseline.statementsPerRequest} |`,
    );
  }
  lines.push('', `- ${results.target.ok ? '✅' : '❌'} ${results.target.name}: ${results.target.detail}`);
  return lines.join('\n');
}
