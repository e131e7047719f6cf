// Before `npm run bench -- --rtt N` measures the naive baseline against the template, the same small
// run goes to both and must get the same answers: status codes, webhook outcomes, response shapes
// (the keys and value types of every body) and Idempotent-Replayed. A baseline that answered
// differently would be measuring something else.
import { isDeepStrictEqual } from 'node:util';
import { clerkEvents } from '../../scripts/lib/clerk-events.ts';
import type { LocalStack } from '../../scripts/lib/local-stack.ts';
import { bearer, jsonContent } from '../../scripts/lib/resource-proof.ts';
import { deliver, proofApi } from './stack-client.ts';

/** What a step answered, reduced to what both Workers must agree on. */
type Answer = { step: string; status: number; body: unknown; replayed?: string | null };

/** The steps' answers from one Worker. `withProjects`: the example resource is there to check. */
async function answersOf(stack: LocalStack, withProjects: boolean): Promise<Answer[]> {
  const marker = `parity${Date.now().toString(36)}`;
  const answers: Answer[] = [];
  const user = (updatedAt: number) => ({ id: `user_${marker}_w`, email: `${marker}@example.com`, updatedAt });

  const created = clerkEvents.user('user.created', user(2_000));
  const svixId = `msg_${marker}_1`;
  for (const [step, event, id] of [
    ['webhook: a new user', created, svixId],
    ['webhook: the same delivery again', created, svixId],
    ['webhook: an older version, delivered late', clerkEvents.user('user.updated', user(1_000)), `msg_${marker}_2`],
  ] as const) {
    const { status, body } = await deliver(stack, event, id);
    answers.push({ step, status, body: JSON.parse(body) });
  }
  if (!withProjects) return answers;

  const api = proofApi(stack, marker);
  const auth = bearer(await api.signUp('creator'));
  const create = (name: string, key: string) =>
    api.fetch('/v1/projects', {
      method: 'POST',
      headers: { ...jsonContent, ...auth, 'idempotency-key': key },
      body: JSON.stringify({ name, description: null }),
    });
  const record = async (step: string, response: Response) => {
    answers.push({
      step,
      status: response.status,
      body: shape(await response.json()),
      replayed: response.headers.get('idempotent-replayed'),
    });
  };
  await record('create', await create('First', `${marker}-1`));
  await record('create: the same Idempotency-Key again', await create('First', `${marker}-1`));
  for (let n = 2; n <= 4; n++) await create(`Number ${n}`, `${marker}-${n}`);
  await record('list: a page of 2 of 4', await api.fetch('/v1/projects?limit=2', { headers: auth }));
  await record('list: all 4', await api.fetch('/v1/projects?limit=50', { headers: auth }));
  return answers;
}

/** Keys and value types, arrays item by item; names kept, since both were sent the same ones. */
function shape(value: unknown, key?: string): unknown {
  if (Array.isArray(value)) return value.map((item) => shape(item));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, item]) => [name, shape(item, name)]),
    );
  }
  return key === 'name' ? value : value === null ? 'null' : typeof value;
}

/** Throws, listing the steps that differ, unless the baseline answers as the template does. */
export async function checkParity(template: LocalStack, baseline: LocalStack, withProjects: boolean): Promise<number> {
  const expected = await answersOf(template, withProjects);
  const actual = await answersOf(baseline, withProjects);
  const differences = expected.flatMap((answer, n) =>
    isDeepStrictEqual(answer, actual[n])
      ? []
      : [`${answer.step}: template ${JSON.stringify(answer)}, baseline ${JSON.stringify(actual[n])}`],
  );
  if (differences.length > 0) {
    throw new Error(`the baseline does not answer as the template does:\n${differences.join('\n')}`);
  }
  return expected.length;
}
