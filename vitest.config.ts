// `npm test` runs every Worker test twice inside workerd, the real Workers runtime: once with
// the Hyperdrive binding (pg over TCP) and once with the Neon HTTP driver through the local
// endpoint, both against the same real PostgreSQL started by test/global-setup.ts.
// Node-side tooling (scripts/) is tested in a plain Node project.
import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';

const TEST_WEBHOOK_SECRETS = ['old-webhook-secret-for-tests', 'new-webhook-secret-for-tests'].map(
  (secret) => `whsec_${Buffer.from(secret).toString('base64')}`,
);

const workerTests = ['src/**/*.test.ts', 'test/**/*.test.ts'];

const workersProject = (driver: 'pg' | 'neon-http') => ({
  extends: true as const,
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
  test: { name: `workers-${driver}`, include: workerTests },
});

export default defineConfig({
  test: {
    globalSetup: ['./test/global-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    maxWorkers: 4,
    projects: [
      workersProject('pg'),
      workersProject('neon-http'),
      { extends: true, test: { name: 'node', environment: 'node', include: ['scripts/**/*.test.ts'] } },
    ],
  },
});
