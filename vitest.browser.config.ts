// `npm run test:browser`: the /docs page in headless Chromium (test/docs-page.browser.ts). Kept
// out of `npm test`, which must not need a browser; .ci/run runs both.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.browser.ts'],
    environment: 'node',
    testTimeout: 90_000,
    hookTimeout: 90_000,
  },
});
