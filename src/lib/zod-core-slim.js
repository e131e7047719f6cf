// `zod/v4/core` without its translations and its compiler: the `z.core` of src/lib/zod-slim.js.
export * from 'zod/v4/core';
export const locales = {};
export const compile = undefined;
export const compileFn = undefined;
export const withParser = undefined;
export const INVALID = undefined;
export const ZodCompileAsyncError = undefined;
export const ZodCompileUnsupportedError = undefined;
