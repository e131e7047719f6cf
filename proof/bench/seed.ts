// Data the scenarios need, created through the Worker itself: synced users (so GET /v1/me never
// falls back to Clerk's API), a user with 120 projects (so a page of 50 is full), and tokens.
import { clerkEvents } from '../../scripts/lib/clerk-events.ts';
import type { LocalStack } from '../../scripts/lib/local-stack.ts';
import type { ScenarioContext } from './scenarios.ts';
import { deliver, mapConcurrent } from './stack-client.ts';

/** Seeds a fresh set of users and projects (unique ids per call) and returns what the scenarios need. */
export async function seed(stack: LocalStack): Promise<ScenarioContext> {
  const marker = `b${Date.now().toString(36)}`;
  const now = Date.now();
  const user = (id: string) =>
    clerkEvents.user('user.created', { id, email: `${id}@example.com`, firstName: 'Bench', updatedAt: now });
  const ids = {
    me: Array.from({ length: 20 }, (_, n) => `user_${marker}_me${n}`),
    lister: `user_${marker}_lister`,
    creators: Array.from({ length: 5 }, (_, n) => `user_${marker}_creator${n}`),
  };
  for (const id of [...ids.me, ids.lister, ...ids.creators]) {
    const { status } = await deliver(stack, user(id));
    if (status !== 200) throw new Error(`seeding ${id}: webhook answered ${status}`);
  }
  const listToken = await stack.sessionToken({ sub: ids.lister });
  const created = await mapConcurrent(
    Array.from({ length: 120 }, (_, n) => n),
    8,
    async (n) => {
      const response = await fetch(`${stack.url}/v1/projects`, {
        method: 'POST',
        headers: { authorization: `Bearer ${listToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: `Seeded project ${n}`, description: 'Seeded by the benchmark.' }),
      });
      if (response.status !== 201) throw new Error(`seeding projects: ${response.status} ${await response.text()}`);
      return ((await response.json()) as { id: string }).id;
    },
  );
  return {
    marker,
    webhookSecret: stack.webhookSecret,
    meTokens: await Promise.all(ids.me.map((sub) => stack.sessionToken({ sub }))),
    listToken,
    projectIds: created,
    createTokens: await Promise.all(ids.creators.map((sub) => stack.sessionToken({ sub }))),
  };
}
