// What `npm run init -- --without-example` removes: the example resource `projects` and every
// trace of it. Its code and tests (src/projects/, the scripts written for it), its registry line,
// its table (the `example:start`/`example:end` block of db/schema.ts), its KV namespace and R2
// bucket (the blocks of wrangler.toml, and the types generated from it), its migrations (see
// migration-history.ts), the passages of README.md and docs/ about it (between
// `<!-- example:start -->` and `<!-- example:end -->`), and the README's benchmark figures, which
// were measured on it.

/** The example resource. */
export const EXAMPLE = {
  folder: 'projects',
  /** Its migrations: `0001_projects`, and any later `NNNN_projects_...`. */
  isMigration: (tag: string) => /^\d{4}_projects(?:_|$)/.test(tag),
  /** Files outside src/projects/ that exist only for it. */
  files: ['scripts/new-resource/example.test.ts'],
  /** Its routes, as the README's benchmark table names them. */
  path: '/v1/projects',
};

const START = /^\s*(?:<!--|\/\/|#) example:start(?: -->)?\s*$/;
const END = /^\s*(?:<!--|\/\/|#) example:end(?: -->)?\s*$/;

/** `text` without its example blocks (markers included), leaving one blank line where one was. */
export function withoutExampleBlocks(text: string): string {
  const lines = text.split('\n');
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    if (!START.test(lines[i]!)) {
      kept.push(lines[i]!);
      continue;
    }
    const end = lines.findIndex((line, j) => j > i && END.test(line));
    if (end === -1) throw new Error(`an example:start on line ${i + 1} has no example:end`);
    i = end;
    // A block that stood alone between blank lines leaves one blank line, not two.
    if (kept.at(-1)?.trim() === '' && (lines[end + 1] ?? '').trim() === '') i += 1;
  }
  return kept.join('\n');
}

const BENCH = /(<!-- bench:start -->\n)[\s\S]*?(<!-- bench:end -->)/;

/** README.md's benchmark block emptied when it holds figures of the example's routes. */
export function withoutExampleFigures(readme: string): string {
  const block = BENCH.exec(readme)?.[0];
  if (!block?.includes(EXAMPLE.path)) return readme;
  return readme.replace(
    BENCH,
    '$1Not measured for this API yet: `npm run bench -- --update-readme` writes its figures here.\n$2',
  );
}
