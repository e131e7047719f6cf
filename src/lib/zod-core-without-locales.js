// `zod/v4/core` without `locales`: the `z.core` of src/lib/zod-without-locales.js.
export * from 'zod/v4/core';
export const locales = {};
