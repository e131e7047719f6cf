import path from 'node:path';

/** The checkout's root folder, for scripts that read or write files in it. */
export const PROJECT_ROOT = path.resolve(import.meta.dirname, '..', '..');
