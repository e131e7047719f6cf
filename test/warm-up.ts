// Setup file of the workerd projects: each test file's first request pays for the Worker's
// start-up in a fresh isolate and its first database connection (seconds on a busy machine).
// Paid here, under the hook timeout, so a test's own budget covers only the test's work.
import { beforeAll } from 'vitest';
import { call } from './helpers.ts';

beforeAll(async () => {
  const response = await call('/ready');
  if (response.status !== 200) throw new Error(`warm-up: /ready answered ${response.status}`);
});
