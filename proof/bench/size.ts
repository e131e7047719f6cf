// Worker size and startup CPU, offline:
// - `wrangler deploy --dry-run --outdir <tmp> --metafile`: the bundle exactly as `wrangler deploy`
//   would upload it (wrangler.toml's settings: minified), with wrangler's own "Total Upload / gzip"
//   figures;
// - the same with `--no-minify`, for each dependency's share: raw bytes from esbuild's metafile
//   (exact), gzip bytes by compressing each package's part of the unminified bundle on its own (an
//   estimate: gzip shares context across modules), split at esbuild's `// <path>` module markers;
// - `wrangler check startup`: startup CPU of the deployed bundle in the local workerd, sampled into
//   a CPU profile whose functions are traced to packages through the bundle's source map.
// Run alone with `node proof/bench/size.ts`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { PROJECT_ROOT } from '../../scripts/lib/project-root.ts';

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
  /** Medians over the runs, as `wrangler check startup` prints them. */
  activeMs: number;
  gcMs: number;
  /** Share of the sampled active time per package (all runs together). */
  packages: { package: string; share: number }[];
}

export interface SizeReport {
  /** What `wrangler deploy` uploads, as configured in wrangler.toml. */
  deployed: BundleSize;
  /** The same code unminified: where each dependency's share comes from. */
  unminified: BundleSize;
  startup: StartupProfile | { error: string };
}

const wranglerBin = path.join(PROJECT_ROOT, 'node_modules', '.bin', 'wrangler');

function wrangler(args: string[]): string {
  const result = spawnSync(wranglerBin, args, {
    cwd: PROJECT_ROOT,
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
  const relative = input.replace(/^(\.\.\/)+/, '/').replace(`${PROJECT_ROOT}/`, '');
  if (relative.startsWith('src/') || relative.startsWith('db/')) return `(app) ${relative.split('/')[0]}/`;
  return '(other)';
}

interface Build {
  size: BundleSize;
  code: string;
  sourceMap: string;
}

function build(flags: string[]): Build {
  const outdir = mkdtempSync(path.join(tmpdir(), 'bench-bundle-'));
  try {
    const metafile = path.join(outdir, 'meta.json');
    const output = wrangler(['deploy', '--dry-run', '--env', '', '--outdir', outdir, '--metafile', metafile, ...flags]);
    const totals = /Total Upload: ([\d.]+) KiB \/ gzip: ([\d.]+) KiB/.exec(output);
    if (!totals) throw new Error(`no "Total Upload" line in wrangler's output:\n${output}`);
    const code = readFileSync(path.join(outdir, 'index.js'), 'utf8');
    const sourceMap = readFileSync(path.join(outdir, 'index.js.map'), 'utf8');
    const meta = JSON.parse(readFileSync(metafile, 'utf8')) as {
      outputs: Record<string, { entryPoint?: string; inputs: Record<string, { bytesInOutput: number }> }>;
    };
    const bundle = Object.values(meta.outputs).find((entry) => entry.entryPoint);
    if (!bundle) throw new Error('no entry point in the metafile');
    const raw = new Map<string, number>();
    for (const [input, { bytesInOutput }] of Object.entries(bundle.inputs)) {
      raw.set(packageOf(input), (raw.get(packageOf(input)) ?? 0) + bytesInOutput);
    }
    // Only unminified code has the module markers to split it by.
    const markers = code.includes('\n// node_modules/');
    const packages = markers ? packageShares(raw, gzipByPackage(code), Number(totals[2]) * 1024) : [];
    return {
      size: { flags, uploadKiB: Number(totals[1]), gzipKiB: Number(totals[2]), packages },
      code,
      sourceMap,
    };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
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
    const marker = /^\/\/ ((?:node_modules\/|src\/|db\/|node-built-in-modules:)\S+)$/.exec(line);
    if (marker) current = packageOf(marker[1]!);
    const list = parts.get(current) ?? [];
    if (list.length === 0) parts.set(current, list);
    list.push(line);
  }
  return new Map([...parts].map(([name, lines]) => [name, gzipSync(lines.join('\n')).length]));
}

interface CpuProfile {
  nodes: { id: number; callFrame: { url: string; lineNumber: number; columnNumber: number; functionName: string } }[];
  samples: number[];
  timeDeltas: number[];
}

/**
 * `wrangler check startup` builds the deployed bundle again (esbuild is deterministic: the same
 * bytes as `build([])`), so that build's source map traces each sampled function to its package.
 */
export function profileStartup(sourceMap: string, runs: number): StartupProfile {
  const map = new SourceMap(JSON.parse(sourceMap));
  const folder = mkdtempSync(path.join(tmpdir(), 'bench-startup-'));
  const active: number[] = [];
  const gc: number[] = [];
  const byPackage = new Map<string, number>();
  let sampled = 0;
  try {
    for (let run = 0; run < runs; run++) {
      const outfile = path.join(folder, `startup-${run}.cpuprofile`);
      const output = wrangler(['check', 'startup', '--env', '', '--outfile', outfile]);
      const activeMatch = /Active: ([\d.]+) ms(?: \(including ([\d.]+) ms garbage collection\))?/.exec(output);
      if (!activeMatch) throw new Error(`no "Active:" line in wrangler check startup's output:\n${output}`);
      active.push(Number(activeMatch[1]));
      gc.push(Number(activeMatch[2] ?? 0));
      const profile = JSON.parse(readFileSync(outfile, 'utf8')) as CpuProfile;
      const nodes = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
      profile.samples.forEach((id, index) => {
        const frame = nodes.get(id);
        if (!frame || frame.functionName === '(idle)' || frame.functionName === '(program)') return;
        const micros = profile.timeDeltas[index + 1] ?? 0;
        let owner = '(runtime)';
        if (frame.functionName === '(garbage collector)') owner = '(garbage collection)';
        else if (frame.url.endsWith('index.js') && frame.lineNumber >= 0) {
          const entry = map.findEntry(frame.lineNumber, Math.max(0, frame.columnNumber));
          owner = 'originalSource' in entry ? packageOf(entry.originalSource) : '(esbuild helpers)';
        }
        byPackage.set(owner, (byPackage.get(owner) ?? 0) + micros);
        sampled += micros;
      });
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
  return {
    runs,
    activeMs: median(active),
    gcMs: median(gc),
    packages: [...byPackage.entries()]
      .map(([name, micros]) => ({ package: name, share: Math.round((micros / sampled) * 1000) / 10 }))
      .sort((a, b) => b.share - a.share),
  };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

export function measureSize(options: { startupRuns?: number } = {}): SizeReport {
  const deployed = build([]);
  const unminified = build(['--no-minify']);
  let startup: SizeReport['startup'];
  try {
    startup = profileStartup(deployed.sourceMap, options.startupRuns ?? 5);
  } catch (error) {
    startup = { error: (error as Error).message.split('\n').slice(0, 5).join(' ') };
  }
  return { deployed: deployed.size, unminified: unminified.size, startup };
}

if (import.meta.filename === path.resolve(process.argv[1] ?? '')) {
  console.log(JSON.stringify(measureSize(), null, 2));
}
