// The API's resources, one line each. Each is a folder under src/ holding everything specific to
// it: routes, statements, schemas, tests, and the checks the tooling runs on it (explain.ts for
// db:explain, proof.ts for the bench and the reliability suite). src/app.ts mounts them, so the
// typed client (AppType) sees their routes; the tooling finds their files by `folder`. A resource
// with work of its own for the Cron Trigger names it as `scheduled` (src/scheduled.ts runs it).
// `npm run new:resource` adds a line here; `npm run init -- --without-example` removes one.
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Database } from '../db/client.ts';
import type { Bindings } from './config.ts';
import { projectMaintenance } from './projects/maintenance.ts';
import { projectRoutes } from './projects/routes.ts';
import type { AppEnv } from './types.ts';

/** A resource's scheduled work: bounded, returning a report for the log line of the run. */
export type ScheduledWork = (db: Database, env: Bindings) => Promise<Record<string, unknown>>;

export const resources = [{ folder: 'projects', routes: projectRoutes, scheduled: projectMaintenance }] as const;

/** A resource as the app, the Cron Trigger and the tooling read it. */
export interface RegisteredResource {
  folder: string;
  routes: OpenAPIHono<AppEnv>;
  scheduled?: ScheduledWork;
}

/** `resources`, widened: also a list when the registry is empty (`[] as const` has no element type). */
export const registeredResources: readonly RegisteredResource[] = resources;
