// Prints the shell blocks of a README section that CI runs, each ended by a NUL, in order: every
// ```sh block preceded by a `<!-- ci: run -->` line, between `<!-- <section>:start -->` and
// `<!-- <section>:end -->`. .ci/run runs them in a fresh clone, so the README cannot drift; it runs
// each line as a command of its own that must succeed, so a block holds one command per line.
//   node .ci/readme-blocks.ts README.md make-it-yours
import { readFileSync } from 'node:fs';

const [file, section] = process.argv.slice(2);
if (!file || !section) {
  console.error('usage: node .ci/readme-blocks.ts <file.md> <section>');
  process.exit(2);
}
const text = readFileSync(file, 'utf8');
const start = text.indexOf(`<!-- ${section}:start -->`);
const end = text.indexOf(`<!-- ${section}:end -->`);
if (start === -1 || end < start) {
  console.error(`${file} has no <!-- ${section}:start --> ... <!-- ${section}:end --> section`);
  process.exit(1);
}
const blocks = [...text.slice(start, end).matchAll(/^<!-- ci: run -->\n+```sh\n([\s\S]*?)^```$/gm)].map(
  (match) => match[1]!,
);
if (blocks.length === 0) {
  console.error(`${file}, section ${section}: no \`<!-- ci: run -->\` shell block`);
  process.exit(1);
}
process.stdout.write(blocks.map((block) => `${block}\0`).join(''));
