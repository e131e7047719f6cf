// The deployable bundles as `wrangler deploy` builds them: each carries one database driver, no
// zod translations or compiler, no Node built-in loaded at startup, and stays within the budget.
import { describe, expect, it } from 'vitest';
import { BUNDLE_TARGET_KIB } from './report.ts';
import { build, DEPLOYMENTS } from './size.ts';

const OTHER_DRIVER: Record<string, RegExp> = {
  pg: /node_modules\/@neondatabase\/serverless\//,
  'neon-http': /node_modules\/(pg|pg-protocol|pg-cloudflare)\//,
};

describe.each(DEPLOYMENTS)('the $name deployment', (deployment) => {
  it('bundles its own driver only, the zod it needs, within the budget', { timeout: 180_000 }, () => {
    const bundle = build(deployment.flags);
    try {
      // Inputs with code in the bundle: esbuild lists tree-shaken ones too, with 0 bytes, or a few
      // for the empty namespace object a module leaves behind (zod's locale index, its compiler).
      const inputs = Object.keys(bundle.inputs).filter((input) => bundle.inputs[input]! > 100);
      expect(inputs.filter((input) => OTHER_DRIVER[deployment.name]!.test(input))).toEqual([]);
      // English, the default, is zod's own.
      const locales = inputs.filter((input) => /node_modules\/zod\/v4\/locales\//.test(input));
      expect(locales.map((input) => input.replace(/^.*node_modules\//, ''))).toEqual(['zod/v4/locales/en.js']);
      expect(inputs.filter((input) => /zod\/v4\/(core\/compile|classic\/from-json-schema)\.js$/.test(input))).toEqual(
        [],
      );
      // A static import (a Node built-in) is loaded at isolate startup (wrangler.toml [alias]).
      expect([...bundle.code.matchAll(/\bimport\s*(?:[\w$*{][^;]*?from\s*)?"([^"]+)"/g)].map((m) => m[1])).toEqual([]);
      expect(bundle.size.gzipKiB).toBeLessThanOrEqual(BUNDLE_TARGET_KIB);
    } finally {
      bundle.dispose();
    }
  });
});
