// The documented shape of every error (src/lib/problem.ts) and the error responses routes list
// in their OpenAPI document, described from the same problem catalogue the code answers with.
import { z } from '@hono/zod-openapi';
import { PROBLEMS, type ProblemType } from '../lib/problem.ts';

export const problemSchema = z
  .strictObject({
    type: z.string().openapi({ example: '/problems/validation-failed' }),
    title: z.string(),
    status: z.int(),
    detail: z.string(),
    errors: z
      .array(z.strictObject({ path: z.string().openapi({ example: 'body.name' }), message: z.string() }))
      .optional()
      .openapi({ description: 'One entry per invalid field (400 only).' }),
    requestId: z.string(),
  })
  .openapi('Problem', { description: 'RFC 9457 problem details.' });

type StatusOf<T extends ProblemType> = (typeof PROBLEMS)[T]['status'];
type ProblemResponse = {
  description: string;
  content: { 'application/problem+json': { schema: typeof problemSchema } };
};

/**
 * The error responses of a route, one per status, each describing the problem types it can
 * carry (`/problems/<type>`: what it means).
 */
export function problemResponses<T extends ProblemType>(...types: T[]): Record<StatusOf<T>, ProblemResponse> {
  const byStatus = new Map<number, string[]>();
  for (const type of new Set(types)) {
    const { status, description } = PROBLEMS[type];
    byStatus.set(status, [...(byStatus.get(status) ?? []), `\`/problems/${type}\`: ${description}`]);
  }
  return Object.fromEntries(
    [...byStatus].map(([status, lines]) => [
      status,
      { description: lines.join('\n\n'), content: { 'application/problem+json': { schema: problemSchema } } },
    ]),
  ) as Record<StatusOf<T>, ProblemResponse>;
}

/** Bearer session token, required by every route that lists it in `security`. */
export const SESSION_SECURITY = [{ clerkSession: [] }];
