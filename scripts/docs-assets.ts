// Copies Swagger UI from the swagger-ui-dist package into public/docs/vendor/, where Workers
// static assets serve it to GET /docs. Runs on `npm install` (postinstall); the copies are
// gitignored, so the version in package-lock.json is the one that ships.
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export const DOCS_VENDOR_DIR = path.resolve(import.meta.dirname, '..', 'public', 'docs', 'vendor');
const FILES = ['swagger-ui-bundle.js', 'swagger-ui.css', 'LICENSE'];

export function copyDocsAssets(): void {
  const packageDir = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  mkdirSync(DOCS_VENDOR_DIR, { recursive: true });
  for (const file of FILES) copyFileSync(path.join(packageDir, file), path.join(DOCS_VENDOR_DIR, file));
}

if (import.meta.main) copyDocsAssets();
