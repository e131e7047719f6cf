// Not part of the suite: `TEST_SELF_CHECK=1 npm test` runs only this file, in every project,
// and .ci/run requires that run to fail. A test runner that exits 0 here would let CI pass
// with failing tests (it once did: see scripts/lib/local-postgres.ts).
import { expect, it } from 'vitest';

it('fails on purpose', () => {
  expect('this test').toBe('failing');
});
