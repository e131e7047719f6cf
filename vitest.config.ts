// `npm test` runs every Worker test twice inside workerd, the real Workers runtime: once with
// the Hyperdrive binding (pg over TCP) and once with the Neon HTTP driver through the local
// endpoint, both against the same real PostgreSQL started by test/global-setup.ts.
// Node-side tooling (scripts/) is tested in a plain Node project.
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { configDefaults, defineConfig } from 'vitest/config';

const TEST_WEBHOOK_SECRETS = ['old-webhook-secret-for-tests', 'new-webhook-secret-for-tests'].map(
  (secret) => `whsec_${Buffer.from(secret).toString('base64')}`,
);

// TEST_SELF_CHECK=1 swaps every project's tests for one that fails on purpose (.ci/run requires
// the run to exit non-zero): proof that a failing test fails the run, global setup included.
const selfCheck = process.env.TEST_SELF_CHECK === '1';
const workerTests = selfCheck ? ['test/self-check/*.test.ts'] : ['src/**/*.test.ts', 'test/**/*.test.ts'];
const nodeTests = selfCheck ? ['test/self-check/*.test.ts'] : ['scripts/**/*.test.ts', 'proof/**/*.test.ts'];

const workersProject = (driver: 'pg' | 'neon-http') => ({
  extends: true as const,
  // The zod the Worker bundle gets (wrangler.toml [alias]), so the tests run what deploys.
  resolve: {
    alias: [{ find: /^zod$/, replacement: fileURLToPath(import.meta.resolve('./src/lib/zod-slim.js')) }],
  },
  plugins: [
    cloudflareTest(({ inject }) => ({
      wrangler: { configPath: './wrangler.toml' },
      miniflare: {
        hyperdrives: { HYPERDRIVE: inject('databaseUrl') },
        bindings: {
          DB_DRIVER: driver,
          DATABASE_URL: inject('databaseUrl'),
          NEON_HTTP_ENDPOINT: inject('neonHttpEndpoint'),
          TEST_DATABASE_URL: inject('databaseUrl'),
          // Two secrets, as during a rotation: deliveries signed with either are accepted.
          CLERK_WEBHOOK_SIGNING_SECRET: TEST_WEBHOOK_SECRETS.join(' '),
          CLERK_JWT_KEY: inject('clerkJwtKey'),
          CLERK_API_URL: inject('clerkApiUrl'),
          // One secret key per project: the fake Clerk API keeps a separate store per key.
          CLERK_SECRET_KEY: `sk_test_${driver}`,
        },
      },
    })),
  ],
  test: {
    name: `workers-${driver}`,
    include: workerTests,
    exclude: selfCheck ? configDefaults.exclude : [...configDefaults.exclude, 'test/self-check/**'],
    setupFiles: ['./test/warm-up.ts'],
  },
});

export default defineConfig({
  test: {
    globalSetup: ['./test/global-setup.ts'],
    // Single requests; tests doing more set their own budget from their work (test/budget.ts).
    testTimeout: 20_000,
    // Per file: the isolate's start-up and first connection (test/warm-up.ts), seconds when busy.
    hookTimeout: 60_000,
    // Two workers per core: the tests mostly wait on workerd and Postgres (on 2 cores, 4 workers
    // finish the suite in ~90 s where 2 take ~115 s).
    maxWorkers: Math.max(2, availableParallelism() * 2),
    projects: [
      workersProject('pg'),
      workersProject('neon-http'),
      { extends: true, test: { name: 'node', environment: 'node', include: nodeTests } },
    ],
  },
});
