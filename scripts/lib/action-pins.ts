// Every action a workflow uses is pinned to a full commit SHA, with the tag it came from in a comment
// (`uses: actions/checkout@<40 hex> # v6.1.0`): a tag can be moved to other code, as happened to
// tj-actions/changed-files in 2025, a commit cannot. Renovate updates the SHA and the comment together.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface ActionUse {
  /** The workflow file and line. */
  file: string;
  line: number;
  /** What follows `uses:`, the comment included. */
  uses: string;
}

const USES = /^\s*(?:-\s+)?uses:\s*(.*)$/;
const PINNED = [
  /^[\w.-]+\/[\w./-]+@[0-9a-f]{40}\s+#\s*\S+$/, // owner/repo[/path]@<commit> # <tag>
  /^\.\/\S+$/, // an action in this repository
  /^docker:\/\/\S+@sha256:[0-9a-f]{64}(\s+#.*)?$/, // an image by digest
];

/** Every `uses:` in the folder's workflow files, and those that are not pinned. */
export function actionPins(folder: string): { uses: ActionUse[]; unpinned: ActionUse[] } {
  const uses = readdirSync(folder)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .flatMap((name) => {
      const file = path.join(folder, name);
      return readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((text, index) => {
          const match = USES.exec(text);
          return match ? [{ file, line: index + 1, uses: match[1]!.trim().replace(/^(['"])(.*?)\1/, '$2') }] : [];
        });
    });
  return { uses, unpinned: uses.filter(({ uses }) => !PINNED.some((pinned) => pinned.test(uses))) };
}
