// The files of a new resource's folder, src/<name>/, rendered from the templates. The templates
// follow the example resource: while a clone has it, example.test.ts checks that its files are
// these plus its edge half (publication and assets).
import type { ResourceNames } from './names.ts';
import { explainTs } from './templates/explain.ts';
import { fuzzTestTs } from './templates/fuzz-test.ts';
import { proofTs } from './templates/proof.ts';
import { queriesTs } from './templates/queries.ts';
import { routesTs } from './templates/routes.ts';
import { routesTestTs } from './templates/routes-test.ts';
import { schemasTs } from './templates/schemas.ts';
import { testingTs } from './templates/testing.ts';

/** File name → content. */
export function resourceFiles(n: ResourceNames): Record<string, string> {
  return {
    'routes.ts': routesTs(n),
    'queries.ts': queriesTs(n),
    'schemas.ts': schemasTs(n),
    'testing.ts': testingTs(n),
    'routes.test.ts': routesTestTs(n),
    'fuzz.test.ts': fuzzTestTs(n),
    'explain.ts': explainTs(n),
    'proof.ts': proofTs(n),
  };
}
