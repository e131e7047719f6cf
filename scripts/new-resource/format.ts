// Generated code leaves as `npm run format` would write it: Biome's formatter and safe fixes
// (import order included), with the checkout's biome.json.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const biomeOf = (root: string) =>
  path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'biome.cmd' : 'biome');

/** `content` formatted as if it were the file `file` (relative to `root`). */
export function formatted(root: string, file: string, content: string): string {
  const run = spawnSync(biomeOf(root), ['check', '--write', `--stdin-file-path=${file}`], {
    cwd: root,
    input: content,
    encoding: 'utf8',
  });
  if (run.status !== 0 || !run.stdout) {
    throw new Error(`biome could not format ${file}: ${(run.stderr || run.error?.message || '').trim()}`);
  }
  return run.stdout;
}

/** Formats `files` (relative to `root`) in place, in one Biome run. */
export function formatFiles(root: string, files: string[]): void {
  const run = spawnSync(biomeOf(root), ['check', '--write', ...files], { cwd: root, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`biome check --write failed:\n${run.stdout}${run.stderr}`);
}
