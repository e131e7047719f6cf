// Reads Vitest JSON reports (--reporter=json) and prints the test counts on one plain line,
// `N passed, N failed`, for any CI reader. With --require-failed it checks a self-check run
// instead: exit 1 unless at least one test failed and none passed.
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  options: { 'require-failed': { type: 'boolean', default: false } },
  allowPositionals: true,
});

let passed = 0;
let failed = 0;
for (const file of positionals) {
  if (!existsSync(file)) continue;
  const report = JSON.parse(readFileSync(file, 'utf8')) as { numPassedTests: number; numFailedTests: number };
  passed += report.numPassedTests;
  failed += report.numFailedTests;
}

if (values['require-failed']) {
  if (failed === 0 || passed > 0) {
    console.error(
      `self-check: expected only failures, got ${passed} passed, ${failed} failed (${positionals.join(' ')})`,
    );
    process.exitCode = 1;
  } else {
    console.log(`self-check: the failing test failed the run (${failed} failed, exit code non-zero)`);
  }
} else {
  console.log(`${passed} passed, ${failed} failed`);
}
