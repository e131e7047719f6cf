// The API's resources, one line each. Each is a folder under src/ holding everything specific to
// it: routes, statements, schemas, tests, and the checks the tooling runs on it (explain.ts for
// db:explain, proof.ts for the bench and the reliability suite). src/app.ts mounts them, so the
// typed client (AppType) sees their routes; the tooling finds their files by `folder`.
// `npm run new:resource` adds a line here; `npm run init -- --without-example` removes one.
import { projectRoutes } from './projects/routes.ts';

export const resources = [{ folder: 'projects', routes: projectRoutes }] as const;
