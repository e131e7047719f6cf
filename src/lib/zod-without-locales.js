// What `zod` resolves to in the Worker (wrangler.toml [alias]; vitest.config.ts for the tests):
// zod itself, minus its translated error messages. @hono/zod-openapi hands zod's namespace
// object to extendZodWithOpenApi, so the bundler keeps every member of it, and `locales` (each
// message in some fifty languages) is a member; English, the default, does not come from it.
// A module's own export shadows the same name brought in by `export *`, so here `locales` is
// empty and the translations are left out as unused. `z.core` holds `locales` too, hence the
// second module. JavaScript, not TypeScript: the module imports itself, as its own `z`, which
// tsc refuses; the types the app compiles against are zod's own.
import * as core from './zod-core-without-locales.js';
import * as z from './zod-without-locales.js';

export * from 'zod/v4';
export const locales = {};
export { core, z, z as default };
