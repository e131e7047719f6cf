// proof/bench/results.json's shape, the targets, and the Markdown written into proof/bench/README.md and the
// README's "Performance" section (between `<!-- bench:start -->` and `<!-- bench:end -->`).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../scripts/lib/project-root.ts';
import type { LoadResult } from './load.ts';
import { describeMachine, type Machine } from './machine.ts';
import type { SizeReport } from './size.ts';

export type ScenarioResult = LoadResult & {
  /** The scenario's row name, e.g. `GET /v1/me`. */
  label: string;
  /** The round trips every response must report (Scenario.roundTrips); absent: at most 1. */
  expectedRoundTrips?: 0 | 1;
  /** pg_stat_statements calls in the app's database during the run, per request sent. */
  statementsPerRequest: number | null;
  /** Worker log lines at level "error" during the run. */
  workerErrorLogs: number;
  /** 1-minute load average when the run started: other work on the machine skews the figures. */
  loadAverage: number;
};

export interface BenchResults {
  generatedAt: string;
  command: string;
  machine: Machine;
  versions: Record<string, string>;
  settings: { durationSeconds: number; warmupSeconds: number; connections: number };
  size: SizeReport | undefined;
  drivers: Partial<Record<string, ScenarioResult[]>>;
  targets?: Target[];
}

export interface Target {
  name: string;
  ok: boolean;
  detail: string;
}

/** gzip KiB, for each deployable configuration (proof/bench/size.ts DEPLOYMENTS). */
export const BUNDLE_TARGET_KIB = 180;
/** Startup CPU above the bare Hono Worker (proof/bench/floor/), medians of interleaved runs. */
const STARTUP_TARGET_MS = 50;

export const errorsOf = (result: LoadResult) => result.non2xx + result.socketErrors + result.timeouts;

/** Highest round-trip count any response reported, or undefined when none reported one. */
export function maxRoundTrips(result: LoadResult): number | undefined {
  const counts = Object.keys(result.roundTrips).map(Number);
  return counts.length ? Math.max(...counts) : undefined;
}

/**
 * Every response reported its round trips: at most 1, or exactly the scenario's count where it
 * names one (a KV hit makes none); pg_stat_statements counted no more statements per request.
 */
export function roundTripsAsExpected(result: ScenarioResult): boolean {
  const counts = Object.keys(result.roundTrips).map(Number);
  if (counts.length === 0 || result.withoutServerTiming > 0) return false;
  const expected = result.expectedRoundTrips;
  const fits =
    expected === undefined ? counts.every((count) => count <= 1) : counts.every((count) => count === expected);
  return fits && (result.statementsPerRequest ?? 0) <= (expected ?? 1) + 0.01;
}

export function checkTargets(results: BenchResults): Target[] {
  const targets: Target[] = [];
  const all = Object.entries(results.drivers).flatMap(([driver, list]) =>
    (list ?? []).map((result) => ({ driver, result })),
  );
  const over = all.filter(({ result }) => !roundTripsAsExpected(result));
  targets.push({
    name: 'at most 1 database round trip per request, 0 where a scenario says so',
    ok: over.length === 0,
    detail:
      over.length === 0
        ? `every response of ${all.length} scenario runs reported ≤ 1 (Server-Timing), exactly 0 in ` +
          `${all.filter(({ result }) => result.expectedRoundTrips === 0).length} of them; pg_stat_statements agrees`
        : over
            .map(
              ({ driver, result }) =>
                `${driver} ${result.scenario}: ${JSON.stringify(result.roundTrips)}, ${result.statementsPerRequest} statements/request`,
            )
            .join('; '),
  });
  const failing = all.filter(({ result }) => errorsOf(result) > 0);
  targets.push({
    name: '0 errors',
    ok: failing.length === 0,
    detail:
      failing.length === 0
        ? `${all.reduce((sum, { result }) => sum + result.responses, 0)} responses, all 2xx, no socket errors`
        : failing
            .map(
              ({ driver, result }) =>
                `${driver} ${result.scenario}: ${errorsOf(result)} (${JSON.stringify(result.statuses)})`,
            )
            .join('; '),
  });
  if (results.size) {
    const { deployments, startups } = results.size;
    targets.push({
      name: `bundle ≤ ${BUNDLE_TARGET_KIB} KiB gzip, each deployable configuration`,
      ok: deployments.every((deployment) => deployment.gzipKiB <= BUNDLE_TARGET_KIB),
      detail: deployments.map((deployment) => `${deployment.name} ${deployment.gzipKiB} KiB`).join(', '),
    });
    targets.push({
      name: `startup ≤ ${STARTUP_TARGET_MS} ms of CPU above a bare Hono Worker, each deployable configuration`,
      ok: startups.every((startup) => !('error' in startup) && startup.cpuAboveFloorMs <= STARTUP_TARGET_MS),
      detail: startups.map((startup) => `${startup.name} ${startupFigure(startup)}`).join(', '),
    });
  }
  return targets;
}

export const DRIVER_LABELS: Record<string, string> = { pg: 'Hyperdrive (pg)', 'neon-http': 'Neon HTTP' };

function roundTripCell(result: ScenarioResult): string {
  const max = maxRoundTrips(result);
  const reported = max === undefined ? 'n/a' : String(max);
  const statements = result.statementsPerRequest === null ? 'n/a' : result.statementsPerRequest.toFixed(2);
  return `${reported} / ${statements}`;
}

function scenarioRows(results: BenchResults): string[] {
  const rows: string[] = [];
  for (const [driver, list] of Object.entries(results.drivers)) {
    for (const result of list ?? []) {
      rows.push(
        `| ${result.label} | ${DRIVER_LABELS[driver] ?? driver} | ${Math.round(result.requestsPerSecond)} | ` +
          `${result.latencyMs.p50} | ${result.latencyMs.p95} | ${result.latencyMs.p99} | ${errorsOf(result)} | ${roundTripCell(result)} |`,
      );
    }
  }
  return rows;
}

const TABLE_HEAD = [
  '| scenario | driver | req/s | p50 ms | p95 ms | p99 ms | errors | db round trips: max per response / statements per request |',
  '|---|---|--:|--:|--:|--:|--:|--:|',
];

type Startup = SizeReport['startups'][number];

function startupFigure(startup: Startup): string {
  if ('error' in startup) return `not measured (${startup.error})`;
  return `+${startup.cpuAboveFloorMs} ms (${startup.cpuMs} vs ${startup.floorCpuMs} ms; wrangler's Active ${startup.activeMs} vs ${startup.floorMs} ms)`;
}

function sizeLine(results: BenchResults): string {
  const size = results.size;
  if (!size) return '';
  const measured = size.startups.find((startup) => !('error' in startup));
  const rows = size.deployments.map((deployment) => {
    const startup = size.startups.find((entry) => entry.name === deployment.name);
    return `| ${DRIVER_LABELS[deployment.name] ?? deployment.name} | \`${deployment.flags.join(' ')}\` | ${deployment.gzipKiB} | ${deployment.uploadKiB} | ${startup ? startupFigure(startup) : ''} |`;
  });
  return [
    `Worker size and startup, \`${size.command}\` on ${size.generatedAt.slice(0, 10)} (load average ${size.loadAverage}): each deployable configuration built by ` +
      `\`wrangler deploy --dry-run\` with wrangler.toml's settings (minified); startup CPU from \`wrangler check startup\` profiles, ` +
      `median of ${measured && !('error' in measured) ? measured.runs : '?'} runs each, interleaved with a bare Hono Worker (proof/bench/floor/), local workerd. ` +
      `Targets: ≤ ${BUNDLE_TARGET_KIB} KiB gzip, ≤ ${STARTUP_TARGET_MS} ms above the floor.`,
    '',
    '| configuration | wrangler flags | gzip KiB | raw KiB | startup CPU above the floor |',
    '|---|---|--:|--:|---|',
    ...rows,
  ].join('\n');
}

function context(results: BenchResults): string {
  const { settings } = results;
  const loads = Object.values(results.drivers).flatMap((list) => (list ?? []).map((result) => result.loadAverage));
  const load = loads.length
    ? ` (1-minute load average at the scenarios' start, the benchmark's own processes included: ${Math.min(...loads)}–${Math.max(...loads)})`
    : '';
  return (
    `\`${results.command}\` on ${describeMachine(results.machine)}${load}, ${results.generatedAt.slice(0, 10)}; ` +
    `${settings.connections} connections, ${settings.durationSeconds} s per scenario after ${settings.warmupSeconds} s of warm-up; ` +
    `wrangler ${results.versions.wrangler} (workerd ${results.versions.workerd}), PostgreSQL ${results.versions.postgresql ?? '?'}.`
  );
}

/** The compact table for the README's "Performance" section. */
export function renderReadmeTable(results: BenchResults): string {
  return [
    context(results),
    '',
    ...TABLE_HEAD,
    ...scenarioRows(results),
    '',
    sizeLine(results),
    '',
    ...(results.targets ?? checkTargets(results)).map(
      (target) => `- ${target.ok ? '✅' : '❌'} ${target.name}: ${target.detail}`,
    ),
  ].join('\n');
}

/** Everything for proof/bench/README.md: the table, webhook outcomes, status counts, bundle shares. */
export function renderBenchDetails(results: BenchResults): string {
  const lines = [renderReadmeTable(results), '', '### Per scenario', ''];
  lines.push(
    '| scenario | driver | responses | statuses | round trips per response (count) | webhook outcomes | Worker error logs |',
  );
  lines.push('|---|---|--:|---|---|---|--:|');
  for (const [driver, list] of Object.entries(results.drivers)) {
    for (const result of list ?? []) {
      const outcomes = Object.keys(result.outcomes).length ? JSON.stringify(result.outcomes) : '';
      lines.push(
        `| ${result.label} | ${DRIVER_LABELS[driver] ?? driver} | ${result.responses} | ` +
          `${JSON.stringify(result.statuses)} | ${JSON.stringify(result.roundTrips)} | ${outcomes} | ${result.workerErrorLogs} |`,
      );
    }
  }
  const size = results.size;
  if (size) {
    lines.push('', '### Bundle: each dependency’s share', '');
    lines.push(
      `Unminified (\`--no-minify\`): ${size.unminified.uploadKiB} KiB, ${size.unminified.gzipKiB} KiB gzip; deployed minified: ` +
        `${size.deployed.gzipKiB} KiB gzip. Raw bytes from esbuild's metafile ` +
        '(exact); gzip bytes estimated by compressing each package’s part of the bundle alone, scaled to the total.',
      '',
      '| package | raw KiB | gzip KiB (est.) | share of gzip |',
      '|---|--:|--:|--:|',
    );
    const kib = (bytes: number) => (bytes / 1024).toFixed(1);
    for (const item of size.unminified.packages.filter((entry) => entry.rawBytes >= 1024)) {
      lines.push(`| ${item.package} | ${kib(item.rawBytes)} | ${kib(item.gzipBytes)} | ${item.gzipShare}% |`);
    }
    const small = size.unminified.packages.filter((entry) => entry.rawBytes < 1024);
    if (small.length) {
      const raw = small.reduce((sum, entry) => sum + entry.rawBytes, 0);
      const gzip = small.reduce((sum, entry) => sum + entry.gzipBytes, 0);
      lines.push(`| ${small.length} more under 1 KiB each | ${kib(raw)} | ${kib(gzip)} | |`);
    }
    if (!('error' in size.startup)) {
      lines.push('', '### Startup CPU by package', '');
      lines.push(
        `\`wrangler check startup\`, ${size.startup.runs} runs: median ${size.startup.activeMs} ms active ` +
          `(${size.startup.gcMs} ms of it garbage collection). Share of the sampled active time:`,
        '',
        '(runtime): workerd itself (natives, Node.js compatibility modules); (module top level): the',
        'bundle’s top-level code, every module body esbuild hoisted into it; (esbuild helpers): the',
        'bundle’s module wrappers (`__export`, `__esm`), called by every package.',
        '',
        '| package | share |',
        '|---|--:|',
        ...size.startup.packages
          .filter((entry) => entry.share >= 1)
          .map((entry) => `| ${entry.package} | ${entry.share}% |`),
      );
    }
    for (const startup of size.startups) {
      if ('error' in startup) continue;
      lines.push(
        '',
        `### Startup profile, ${DRIVER_LABELS[startup.name] ?? startup.name}: what the top-level code calls`,
        '',
        'CPU ms per run (time in and under each call the bundle’s top-level code makes; `(module body)`: a module esbuild wrapped, evaluated with the modules it imports), largest first:',
        '',
        '| call | ms |',
        '|---|--:|',
        ...startup.topLevelCalls.slice(0, 12).map((entry) => `| \`${entry.function}\` | ${entry.ms} |`),
      );
    }
  }
  lines.push(
    '',
    '### Versions',
    '',
    Object.entries(results.versions)
      .map(([name, version]) => `${name} ${version}`)
      .join(', '),
  );
  return lines.join('\n');
}

/** Replaces the text between `<!-- name:start -->` and `<!-- name:end -->` (markers kept). */
export function replaceBetweenMarkers(file: string, name: string, content: string): void {
  const text = readFileSync(file, 'utf8');
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from === -1 || to === -1 || to < from) throw new Error(`${file} has no ${start} ... ${end} section`);
  writeFileSync(file, `${text.slice(0, from + start.length)}\n${content}\n${text.slice(to)}`);
}

/** `node proof/bench/size.ts --update-results`: a new size report in results.json, its tables rendered again. */
export function updateSizeResults(size: SizeReport): void {
  const file = path.join(PROJECT_ROOT, 'proof', 'bench', 'results.json');
  const results = JSON.parse(readFileSync(file, 'utf8')) as BenchResults;
  results.size = size;
  results.targets = [...(results.targets ?? []).filter((target) => !/^(bundle|startup) /.test(target.name))];
  results.targets.push(...checkTargets(results).filter((target) => /^(bundle|startup) /.test(target.name)));
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  replaceBetweenMarkers(path.join(PROJECT_ROOT, 'proof', 'bench', 'README.md'), 'bench', renderBenchDetails(results));
  replaceBetweenMarkers(path.join(PROJECT_ROOT, 'README.md'), 'bench', renderReadmeTable(results));
}

// `node proof/bench/report.ts`: renders the tables again from proof/bench/results.json (after a change to
// this file), without measuring anything.
if (import.meta.filename === path.resolve(process.argv[1] ?? '')) {
  const results = JSON.parse(
    readFileSync(path.join(PROJECT_ROOT, 'proof', 'bench', 'results.json'), 'utf8'),
  ) as BenchResults;
  replaceBetweenMarkers(path.join(PROJECT_ROOT, 'proof', 'bench', 'README.md'), 'bench', renderBenchDetails(results));
  replaceBetweenMarkers(path.join(PROJECT_ROOT, 'README.md'), 'bench', renderReadmeTable(results));
}
