// The resources' parts of db:explain: `src/<folder>/explain.ts` of every resource in
// src/resources.ts, with their paths bound to their own samples.
import type pg from 'pg';
import { registeredResources } from '../../src/resources.ts';
import type { CoreSamples, CriticalPath, ResourceExplain } from './paths.ts';

export interface LoadedExplain {
  folder: string;
  seed(client: pg.Client, scale: number): Promise<void>;
  /** The resource's paths, taking the core samples (its own are picked by `prepare`). */
  prepare(client: pg.Client): Promise<CriticalPath<CoreSamples>[]>;
}

export async function resourceExplains(): Promise<LoadedExplain[]> {
  return Promise.all(
    registeredResources.map(async ({ folder }) => {
      const { explain } = (await import(`../../src/${folder}/explain.ts`)) as { explain: ResourceExplain<unknown> };
      return {
        folder,
        seed: explain.seed,
        prepare: async (client) => {
          const own = await explain.samples(client);
          return explain.paths.map((path) => ({ ...path, run: (db, core) => path.run(db, { core, own }) }));
        },
      };
    }),
  );
}
