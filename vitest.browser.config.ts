// `npm run test:browser`: the /docs page in headless Chromium (test/docs-page.browser.ts). Kept
// out of `npm test`, which must not need a browser; .ci/run runs both. TEST_SELF_CHECK=1 runs
// the failing-on-purpose test instead (vitest.config.ts says why).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: process.env.TEST_SELF_CHECK === '1' ? ['test/self-check/*.test.ts'] : ['test/**/*.browser.ts'],
    environment: 'node',
    testTimeout: 90_000,
    hookTimeout: 90_000,
  },
});
