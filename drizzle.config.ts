import { defineConfig } from 'drizzle-kit';

// `npm run db:generate` diffs db/schema.ts against migrations/ and writes a new SQL migration.
// Review it before committing (see docs/migrations.md): drizzle-kit writes plain DDL.
export default defineConfig({
  dialect: 'postgresql',
  schema: './db/schema.ts',
  out: './migrations',
  strict: true,
  verbose: true,
});
