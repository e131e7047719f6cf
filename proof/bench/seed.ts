// Data the scenarios need, created through the Worker itself: synced users (so GET /v1/me never
// falls back to Clerk's API) with their tokens, and each resource's own seed (src/<folder>/proof.ts).
import type { LocalStack } from '../../scripts/lib/local-stack.ts';
import type { LoadedProof } from '../resources.ts';
import type { ScenarioContext } from './scenarios.ts';
import { proofApi } from './stack-client.ts';

/** Seeds a fresh set of users and resources (unique ids per call) and returns what the scenarios need. */
export async function seed(stack: LocalStack, proofs: LoadedProof[]): Promise<ScenarioContext> {
  const marker = `b${Date.now().toString(36)}`;
  const api = proofApi(stack, marker);
  const meTokens: string[] = [];
  for (let n = 0; n < 20; n++) meTokens.push(await api.signUp(`me${n}`));
  const resources: ScenarioContext['resources'] = {};
  for (const { folder, proof } of proofs) resources[folder] = await proof.seed(proofApi(stack, `${marker}_${folder}`));
  return { marker, webhookSecret: stack.webhookSecret, meTokens, resources };
}
