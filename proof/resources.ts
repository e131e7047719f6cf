// The resources' parts of the proof suites: `src/<folder>/proof.ts` of every resource in
// src/resources.ts that has one (scripts/lib/resource-proof.ts); a resource without one is skipped.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../scripts/lib/project-root.ts';
import type { Json, ResourceProof } from '../scripts/lib/resource-proof.ts';

export interface LoadedProof {
  folder: string;
  proof: ResourceProof<Json>;
}

/** Every registered resource's proof. */
export async function resourceProofs(): Promise<LoadedProof[]> {
  const { registeredResources } = await import('../src/resources.ts');
  return proofsOf(registeredResources.map((resource) => resource.folder));
}

/**
 * The proofs of these folders, without loading the registry (which loads every route): what the
 * load generator's process uses, given the folders its seeded context names.
 */
export async function proofsOf(folders: readonly string[]): Promise<LoadedProof[]> {
  const found = folders.filter((folder) => existsSync(path.join(PROJECT_ROOT, 'src', folder, 'proof.ts')));
  return Promise.all(
    found.map(async (folder) => {
      const { proof } = (await import(`../src/${folder}/proof.ts`)) as { proof: ResourceProof<Json> };
      return { folder, proof };
    }),
  );
}
