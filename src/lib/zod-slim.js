// What `zod` resolves to in the Worker (wrangler.toml [alias]; vitest.config.ts for the tests):
// zod itself, minus what the Worker never calls. @hono/zod-openapi hands zod's namespace object
// to extendZodWithOpenApi, so the bundler keeps every member of it, used or not:
// - `locales`: each error message in some fifty languages (English, the default, does not come
//   from it);
// - `compile` and its helpers: the ahead-of-time schema compiler;
// - `fromJSONSchema`: zod schemas built from JSON Schema.
// A module's own export shadows the same name brought in by `export *`, so here those members
// are empty and their modules are left out as unused. `z.core` holds the first two too, hence
// src/lib/zod-core-slim.js. JavaScript, not TypeScript: the module imports itself, as its own `z`,
// which tsc refuses; the types the app compiles against are zod's own. test/zod-bundle.test.ts
// and proof/bench/size.test.ts check both sides.
import * as core from './zod-core-slim.js';
import * as z from './zod-slim.js';

export * from 'zod/v4';
export const locales = {};
export const compile = undefined;
export const withParser = undefined;
export const INVALID = undefined;
export const ZodCompileAsyncError = undefined;
export const ZodCompileUnsupportedError = undefined;
export const fromJSONSchema = undefined;
export { core, z, z as default };
