// Worker size and startup CPU, offline, for every deployable configuration (DEPLOYMENTS):
// - `wrangler deploy --dry-run --outdir <tmp> --metafile`: the bundle exactly as `wrangler deploy`
//   would upload it (wrangler.toml's settings: minified), with wrangler's own "Total Upload / gzip"
//   figures;
// - the same with `--no-minify`, for each dependency's share: raw bytes from esbuild's metafile
//   (exact), gzip bytes by compressing each package's part of the unminified bundle on its own (an
//   estimate: gzip shares context across modules), split at esbuild's `// <path>` module markers;
// - `wrangler check startup --worker <bundle>`: startup CPU of each built bundle in the local
//   workerd, sampled into a CPU profile whose functions are traced to packages through the
//   bundle's source map. The runs alternate with runs of a bare Hono Worker (proof/bench/floor/), so the
//   figure that counts, the template's cost above that floor, is measured under the same load.
// Run alone with `node proof/bench/size.ts [--runs n]`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { SourceMap } from 'node:module';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { parseCommandLine, positiveInteger } from '../../scripts/lib/cli.ts';
import { PROJECT_ROOT } from '../../scripts/lib/project-root.ts';

/** A configuration `wrangler deploy` can ship: the flags that select it. */
export interface Deployment {
  name: string;
  flags: string[];
}

/**
 * One deployable configuration per database driver, as the production environment deploys it;
 * a bundle carries one driver (wrangler.toml [define] BUNDLED_DB_DRIVER).
 */
export const DEPLOYMENTS: Deployment[] = [
  { name: 'pg', flags: ['--env', 'production'] },
  { name: 'neon-http', flags: ['--env', 'production', '--define', 'BUNDLED_DB_DRIVER:"neon-http"'] },
];

/** V8's inspector profiler samples every 1 ms unless told otherwise; wrangler does not. */
const SAMPLING_INTERVAL_MICROS = 1000;

/** Niceness of the startup runs (children inherit it): ahead of other work on the machine. */
const STARTUP_PRIORITY = -15;

/** A bare Hono app with the template's compatibility settings: the startup floor. */
const FLOOR: Deployment = { name: 'floor', flags: ['--config', 'proof/bench/floor/wrangler.toml'] };

export interface PackageShare {
  package: string;
  rawBytes: number;
  /** Standalone gzip of the package's code, scaled so the shares add up to the bundle's gzip. */
  gzipBytes: number;
  gzipShare: number;
}

export interface BundleSize {
  /** Extra `wrangler deploy` flags it was built with (none: as wrangler.toml says). */
  flags: string[];
  /** As wrangler prints them ("Total Upload: X KiB / gzip: Y KiB"). */
  uploadKiB: number;
  gzipKiB: number;
  /** Each package's share (unminified bundle only). */
  packages: PackageShare[];
}

export interface StartupProfile {
  runs: number;
  /** Each run's figure, in the order they ran (interleaved rounds: the same index, the same round). */
  runsActiveMs: number[];
  runsCpuMs: number[];
  floorRunsActiveMs: number[];
  floorRunsCpuMs: number[];
  /** Medians over the runs, as `wrangler check startup` prints them. */
  activeMs: number;
  gcMs: number;
  /** The floor Worker's median, from runs interleaved with these. */
  floorMs: number;
  /** activeMs − floorMs: what the template's code costs at startup. */
  aboveFloorMs: number;
  /**
   * The same from the profiles with each sample's time capped at twice the sampling interval:
   * close to CPU time, so much less swayed by other work on the machine than `Active`.
   */
  cpuMs: number;
  floorCpuMs: number;
  cpuAboveFloorMs: number;
  /** The runs' scheduling priority (0 normal; negative: ahead of other work). */
  niceness: number;
  /** Share of the sampled active time per package (all runs together). */
  packages: { package: string; share: number }[];
  /** The functions with the most self time, per run on average. */
  functions: { function: string; ms: number }[];
  /**
   * Module evaluation by what it calls: the time spent in (and under) each function the
   * bundle's top-level code calls, e.g. zod's `object` for a schema defined at module level.
   */
  topLevelCalls: { function: string; ms: number }[];
  /**
   * Module evaluation by module, for the modules esbuild wraps in a function (CommonJS ones,
   * ES modules reached by a dynamic import); the rest is one "hoisted" entry.
   */
  moduleBodies: { function: string; ms: number }[];
}

export interface SizeReport {
  /** The command that measured this report, and when. */
  command: string;
  generatedAt: string;
  /** 1-minute load average before the startup runs: other work on the machine skews them. */
  loadAverage: number;
  /** What `wrangler deploy` uploads for the first of DEPLOYMENTS. */
  deployed: BundleSize;
  /** Each of DEPLOYMENTS, minified as deployed. */
  deployments: (BundleSize & { name: string })[];
  /** The first deployment unminified: where each dependency's share comes from. */
  unminified: BundleSize;
  startup: StartupProfile | { error: string };
  /** Startup of each of DEPLOYMENTS (the first is `startup`). */
  startups: ((StartupProfile & { name: string }) | { name: string; error: string })[];
}

const wranglerBin = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'wrangler');

function wrangler(args: string[], root = PROJECT_ROOT): string {
  const result = spawnSync(wranglerBin, args, {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1', FORCE_COLOR: '0' },
    timeout: 180_000,
  });
  const output = `${result.stdout}\n${result.stderr}`;
  if (result.status !== 0) throw new Error(`wrangler ${args.join(' ')} failed:\n${output}`);
  return output;
}

/** Which package (or app folder) a bundle input or source-map source belongs to. */
export function packageOf(input: string): string {
  // zod's translated error messages are worth a row of their own: they are most of zod's size.
  if (/node_modules\/zod\/(.*\/)?locales\//.test(input)) return 'zod (locales)';
  // drizzle-orm's published source maps point at ../src/, which resolves to node_modules/src/.
  if (input.includes('node_modules/src/')) return 'drizzle-orm';
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
  if (match) return match[1]!;
  if (input.startsWith('node-built-in-modules:')) return '(node built-ins)';
  // Source-map sources are relative to the output folder: ../../work/main/src/app.ts
  const relative = appRelative(input);
  if (relative.startsWith('src/') || relative.startsWith('db/')) return `(app) ${relative.split('/')[0]}/`;
  if (relative.startsWith('proof/bench/floor/')) return '(floor)';
  return '(other)';
}

/** A source-map source as a path from the project root (or from node_modules). */
function appRelative(source: string): string {
  const modules = source.lastIndexOf('node_modules/');
  if (modules >= 0) return source.slice(modules + 'node_modules/'.length);
  return source.replace(/^(\.\.\/)+/, '/').replace(`${PROJECT_ROOT}/`, '');
}

/** A built bundle; `dispose` removes its folder. */
export interface Build {
  size: BundleSize;
  code: string;
  /** The bundle's source map, parsed once: every startup run's profile is traced through it. */
  sourceMap: SourceMap;
  /** The bundle's file name (the entry's, `.js`), as the profile's frames name it. */
  mainFile: string;
  /** Each input file in the bundle (as esbuild's metafile names it) and its bytes there. */
  inputs: Record<string, number>;
  /** `wrangler deploy --outfile`'s multipart bundle, what `wrangler check startup --worker` runs. */
  workerBundle: string;
  dispose(): void;
}

/** Builds the Worker of `root` (default: this checkout) as `wrangler deploy` would, with `flags`. */
export function build(flags: string[], root = PROJECT_ROOT): Build {
  const outdir = mkdtempSync(path.join(tmpdir(), 'bench-bundle-'));
  const dispose = () => rmSync(outdir, { recursive: true, force: true });
  try {
    const metafile = path.join(outdir, 'meta.json');
    const workerBundle = path.join(outdir, 'worker.bundle');
    const output = wrangler(
      [
        'deploy',
        '--dry-run',
        ...(flags.includes('--env') ? [] : ['--env', '']),
        '--outdir',
        path.join(outdir, 'out'),
        '--outfile',
        workerBundle,
        '--metafile',
        metafile,
        ...flags,
      ],
      root,
    );
    const totals = /Total Upload: ([\d.]+) KiB \/ gzip: ([\d.]+) KiB/.exec(output);
    if (!totals) throw new Error(`no "Total Upload" line in wrangler's output:\n${output}`);
    const meta = JSON.parse(readFileSync(metafile, 'utf8')) as {
      outputs: Record<string, { entryPoint?: string; inputs: Record<string, { bytesInOutput: number }> }>;
    };
    const [entryOutput, bundle] = Object.entries(meta.outputs).find(([, entry]) => entry.entryPoint) ?? [];
    if (!entryOutput || !bundle) throw new Error('no entry point in the metafile');
    const mainFile = path.basename(entryOutput);
    const main = path.join(outdir, 'out', mainFile);
    const code = readFileSync(main, 'utf8');
    const sourceMap = new SourceMap(JSON.parse(readFileSync(`${main}.map`, 'utf8')));
    const raw = new Map<string, number>();
    for (const [input, { bytesInOutput }] of Object.entries(bundle.inputs)) {
      raw.set(packageOf(input), (raw.get(packageOf(input)) ?? 0) + bytesInOutput);
    }
    // Only unminified code has the module markers to split it by.
    const markers = /\n\/\/ \S*node_modules\//.test(code);
    const packages = markers ? packageShares(raw, gzipByPackage(code), Number(totals[2]) * 1024) : [];
    return {
      size: { flags, uploadKiB: Number(totals[1]), gzipKiB: Number(totals[2]), packages },
      code,
      sourceMap,
      mainFile,
      inputs: Object.fromEntries(
        Object.entries(bundle.inputs).map(([input, { bytesInOutput }]) => [input, bytesInOutput]),
      ),
      workerBundle,
      dispose,
    };
  } catch (error) {
    dispose();
    throw error;
  }
}

function packageShares(raw: Map<string, number>, gzipOwn: Map<string, number>, totalGzip: number): PackageShare[] {
  const estimatedTotal = [...gzipOwn.values()].reduce((sum, bytes) => sum + bytes, 0);
  return [...raw.entries()]
    .map(([name, rawBytes]) => {
      const gzipBytes = Math.round(((gzipOwn.get(name) ?? 0) * totalGzip) / estimatedTotal);
      return { package: name, rawBytes, gzipBytes, gzipShare: Math.round((gzipBytes / totalGzip) * 1000) / 10 };
    })
    .sort((a, b) => b.gzipBytes - a.gzipBytes);
}

/** Each package's part of an unminified bundle, split at esbuild's `// <input path>` markers, gzipped alone. */
function gzipByPackage(code: string): Map<string, number> {
  const parts = new Map<string, string[]>();
  // Before the first module: esbuild's runtime helpers (__name, __export, __commonJS, ...).
  let current = '(esbuild helpers)';
  for (const line of code.split('\n')) {
    const marker = /^\/\/ (\S*node_modules\/\S+|(?:src\/|db\/|node-built-in-modules:)\S+)$/.exec(line);
    if (marker) current = packageOf(marker[1]!);
    const list = parts.get(current) ?? [];
    if (list.length === 0) parts.set(current, list);
    list.push(line);
  }
  return new Map([...parts].map(([name, lines]) => [name, gzipSync(lines.join('\n')).length]));
}

interface CallFrame {
  url: string;
  lineNumber: number;
  columnNumber: number;
  functionName: string;
}

interface CpuProfile {
  nodes: { id: number; callFrame: CallFrame; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time of one startup run, per package and per function, in microseconds. */
interface StartupRun {
  activeMs: number;
  cpuMs: number;
  gcMs: number;
  byPackage: Map<string, number>;
  byFunction: Map<string, number>;
  /** Inclusive time of each function the bundle's top-level code calls (module evaluation). */
  byTopLevelCall: Map<string, number>;
  /** Inclusive time of each wrapped module body, its own wrapped imports excluded. */
  byModuleBody: Map<string, number>;
}

/** The bundle's top-level code: every module body esbuild hoisted into it. */
const isTopLevel = (frame: CallFrame, mainFile: string) => frame.url.endsWith(mainFile) && frame.lineNumber < 0;

/** The package a sampled frame belongs to, and the function, traced through the source map. */
function describeFrame(
  frame: CallFrame,
  map: SourceMap,
  mainFile: string,
): { owner: string; where: string; source?: string } {
  if (frame.functionName === '(garbage collector)')
    return { owner: '(garbage collection)', where: '(garbage collection)' };
  if (isTopLevel(frame, mainFile)) return { owner: '(module top level)', where: '(module top level)' };
  if (!frame.url.endsWith(mainFile)) {
    return { owner: '(runtime)', where: `${frame.functionName || '(anonymous)'} ${frame.url}` };
  }
  const entry = map.findEntry(frame.lineNumber, Math.max(0, frame.columnNumber));
  if (!('originalSource' in entry)) {
    return { owner: '(esbuild helpers)', where: `${frame.functionName || '(anonymous)'} (esbuild helpers)` };
  }
  const name = (entry as { name?: string }).name ?? (frame.functionName || '(anonymous)');
  const source = appRelative(entry.originalSource);
  return { owner: packageOf(entry.originalSource), where: `${name} ${source}:${entry.originalLine + 1}`, source };
}

function runStartup(bundle: Build, outfile: string): StartupRun {
  const output = wrangler(['check', 'startup', '--worker', bundle.workerBundle, '--outfile', outfile]);
  const activeMatch = /Active: ([\d.]+) ms(?: \(including ([\d.]+) ms garbage collection\))?/.exec(output);
  if (!activeMatch) throw new Error(`no "Active:" line in wrangler check startup's output:\n${output}`);
  const map = bundle.sourceMap;
  const profile = JSON.parse(readFileSync(outfile, 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  const byTopLevelCall = new Map<string, number>();
  const byModuleBody = new Map<string, number>();
  // A sample's time is the wall time since the previous one (as wrangler counts it), so while
  // the isolate's thread waits for a CPU, its next sample gets the whole wait. Capped at twice
  // the sampling interval, the sum is close to the CPU time the thread used.
  let cappedMicros = 0;
  const add = (into: Map<string, number>, key: string, micros: number) => into.set(key, (into.get(key) ?? 0) + micros);
  profile.samples.forEach((id, index) => {
    const frame = nodes.get(id);
    if (!frame || frame.functionName === '(idle)') return;
    const micros = Math.min(profile.timeDeltas[index] ?? 0, 2 * SAMPLING_INTERVAL_MICROS);
    cappedMicros += micros;
    // The engine itself, mostly parsing and compiling the bundle: no function's time.
    if (frame.functionName === '(program)') {
      add(byPackage, '(program: parse, compile)', micros);
      return;
    }
    const { owner, where } = describeFrame(frame, map, bundle.mainFile);
    add(byPackage, owner, micros);
    add(byFunction, where, micros);
    // The call the top-level code made that this sample is under, if any: the first frame
    // below the top level that is not one of esbuild's wrappers (`require_pg()`, `__toESM`).
    const stack: CallFrame[] = [];
    for (let node: number | undefined = id; node !== undefined; node = parents.get(node))
      stack.unshift(nodes.get(node)!);
    const top = stack.findIndex((callee) => isTopLevel(callee, bundle.mainFile));
    if (top < 0) return;
    const described = stack.slice(top + 1).map((callee) => describeFrame(callee, map, bundle.mainFile));
    const callAt = described.findIndex((callee) => callee.owner !== '(esbuild helpers)');
    const call = described[callAt];
    // Called through esbuild's wrapper (`__init`, `__require`), it is a module's body: named by its
    // file, since the source map's name at its first position is merely the nearest identifier.
    const what = call && callAt > 0 && call.source ? `(module body) ${call.source}` : call?.where;
    add(byTopLevelCall, call ? `${what} [${call.owner}]` : '(module top level: own code)', micros);
    // The innermost module body on the stack: one esbuild wrapped (a CommonJS module, or an ES
    // module reached by a dynamic import) is a function called by esbuild's `__init`/`__require`.
    let body = '(module top level: hoisted module bodies)';
    for (let index = described.length - 1; index > 0; index--) {
      const frame = described[index]!;
      if (frame.source && described[index - 1]!.owner === '(esbuild helpers)') {
        body = frame.source;
        break;
      }
    }
    add(byModuleBody, body, micros);
  });
  return {
    activeMs: Number(activeMatch[1]),
    cpuMs: cappedMicros / 1000,
    gcMs: Number(activeMatch[2] ?? 0),
    byPackage,
    byFunction,
    byTopLevelCall,
    byModuleBody,
  };
}

/**
 * Startup CPU of each build and of the floor, `runs` times each, interleaved (the order rotates
 * every round), so load from other work on the machine falls on all of them alike. The profile
 * samples wall time, so a busy machine inflates it: where allowed (root), the runs get a higher
 * scheduling priority than other work, which cuts the spread several-fold.
 */
function compareStartup(builds: Build[], floor: Build, runs: number): StartupProfile[] {
  const all = [floor, ...builds];
  const results = all.map(() => [] as StartupRun[]);
  const folder = mkdtempSync(path.join(tmpdir(), 'bench-startup-'));
  const priority = os.getPriority();
  try {
    os.setPriority(STARTUP_PRIORITY);
  } catch {
    // Not permitted: measured at the normal priority.
  }
  const niceness = os.getPriority();
  try {
    for (let round = 0; round < runs; round++) {
      for (let step = 0; step < all.length; step++) {
        const index = (round + step) % all.length;
        results[index]!.push(runStartup(all[index]!, path.join(folder, `startup-${index}-${round}.cpuprofile`)));
      }
    }
  } finally {
    os.setPriority(priority);
    rmSync(folder, { recursive: true, force: true });
  }
  const floorMedians = {
    activeMs: median(results[0]!.map((run) => run.activeMs)),
    cpuMs: median(results[0]!.map((run) => run.cpuMs)),
  };
  const floorRuns = {
    floorRunsActiveMs: results[0]!.map((run) => run.activeMs),
    floorRunsCpuMs: results[0]!.map((run) => Math.round(run.cpuMs * 10) / 10),
  };
  return results.slice(1).map((list) => ({ ...summarize(list, floorMedians), ...floorRuns, niceness }));
}

function summarize(
  list: StartupRun[],
  floor: { activeMs: number; cpuMs: number },
): Omit<StartupProfile, 'niceness' | 'floorRunsActiveMs' | 'floorRunsCpuMs'> {
  const total = (key: 'byPackage' | 'byFunction' | 'byTopLevelCall' | 'byModuleBody') => {
    const sums = new Map<string, number>();
    for (const run of list) for (const [name, micros] of run[key]) sums.set(name, (sums.get(name) ?? 0) + micros);
    return sums;
  };
  const packages = total('byPackage');
  const sampled = [...packages.values()].reduce((sum, micros) => sum + micros, 0);
  const activeMs = median(list.map((run) => run.activeMs));
  const cpuMs = median(list.map((run) => run.cpuMs));
  const round = (ms: number) => Math.round(ms * 10) / 10;
  return {
    runs: list.length,
    runsActiveMs: list.map((run) => run.activeMs),
    runsCpuMs: list.map((run) => round(run.cpuMs)),
    activeMs,
    gcMs: median(list.map((run) => run.gcMs)),
    floorMs: floor.activeMs,
    aboveFloorMs: round(activeMs - floor.activeMs),
    cpuMs: round(cpuMs),
    floorCpuMs: round(floor.cpuMs),
    cpuAboveFloorMs: round(cpuMs - floor.cpuMs),
    packages: [...packages.entries()]
      .map(([name, micros]) => ({ package: name, share: Math.round((micros / sampled) * 1000) / 10 }))
      .sort((a, b) => b.share - a.share),
    functions: perRun(total('byFunction'), list.length),
    topLevelCalls: perRun(total('byTopLevelCall'), list.length),
    moduleBodies: perRun(total('byModuleBody'), list.length),
  };
}

/** The 25 largest, in ms per run. */
function perRun(sums: Map<string, number>, runs: number): { function: string; ms: number }[] {
  return [...sums.entries()]
    .map(([name, micros]) => ({ function: name, ms: Math.round(micros / runs / 100) / 10 }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 25);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

export function measureSize(
  options: { startupRuns?: number; unminified?: boolean; command?: string } = {},
): SizeReport {
  const builds: Build[] = [];
  try {
    for (const deployment of [FLOOR, ...DEPLOYMENTS]) builds.push(build(deployment.flags));
    const [floor, ...deployed] = builds as [Build, ...Build[]];
    const first = deployed[0]!;
    let unminified: BundleSize = { flags: ['--no-minify'], uploadKiB: 0, gzipKiB: 0, packages: [] };
    if (options.unminified !== false) {
      const plain = build([...DEPLOYMENTS[0]!.flags, '--no-minify']);
      plain.dispose();
      unminified = plain.size;
    }
    let startups: SizeReport['startups'];
    const loadAverage = Math.round(os.loadavg()[0]! * 100) / 100;
    try {
      const profiles = compareStartup(deployed, floor, options.startupRuns ?? 7);
      startups = profiles.map((profile, index) => ({ name: DEPLOYMENTS[index]!.name, ...profile }));
    } catch (error) {
      const message = (error as Error).message.split('\n').slice(0, 5).join(' ');
      startups = DEPLOYMENTS.map(({ name }) => ({ name, error: message }));
    }
    const { name: _name, ...startup } = startups[0]!;
    return {
      command: options.command ?? 'node proof/bench/size.ts',
      generatedAt: new Date().toISOString(),
      loadAverage,
      deployed: first.size,
      deployments: deployed.map((entry, index) => ({ name: DEPLOYMENTS[index]!.name, ...entry.size })),
      unminified,
      startup,
      startups,
    };
  } finally {
    for (const entry of builds) entry.dispose();
  }
}

if (import.meta.filename === path.resolve(process.argv[1] ?? '')) {
  const { values } = parseCommandLine({
    name: 'bench',
    usage: `
usage: node proof/bench/size.ts [--runs n] [--no-unminified] [--update-results]

The Worker's gzip size for each deployable configuration and its startup CPU above a bare Hono
Worker (proof/bench/floor/), as JSON.

  --runs n           wrangler check startup runs per bundle, interleaved (default 7)
  --no-unminified    skip the unminified build (each dependency's share)
  --update-results   also replace the size part of proof/bench/results.json and render the
                     tables of proof/bench/README.md and README.md again (the rest stays)
`,
    options: {
      runs: { type: 'string', default: '7' },
      unminified: { type: 'boolean', default: true },
      'update-results': { type: 'boolean', default: false },
    },
    allowNegative: true,
  });
  const startupRuns = positiveInteger('bench', 'runs', values.runs);
  const command = `node proof/bench/size.ts${process.argv.length > 2 ? ` ${process.argv.slice(2).join(' ')}` : ''}`;
  const report = measureSize({ startupRuns, unminified: values.unminified, command });
  console.log(JSON.stringify(report, null, 2));
  if (values['update-results']) {
    const { updateSizeResults } = await import('./report.ts');
    updateSizeResults(report);
  }
}
