// The documented shape of every error (src/lib/problem.ts) and the per-status descriptions
// routes list in their OpenAPI responses.
import { z } from '@hono/zod-openapi';

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

const DESCRIPTIONS = {
  400: 'Invalid input; `errors` lists each invalid field.',
  401: 'Missing, invalid or expired session token.',
  403: 'Not allowed for the caller’s role.',
  404: 'Not found, or not visible to the caller.',
  412: 'If-Match does not match the current ETag.',
  413: 'Body over the size limit.',
  415: 'Content-Type is not application/json.',
  503: 'A dependency is unavailable; retry after Retry-After seconds.',
} as const;

type ProblemStatus = keyof typeof DESCRIPTIONS;

/** One application/problem+json response with its own description. */
export function errorResponse(description: string) {
  return { description, content: { 'application/problem+json': { schema: problemSchema } } };
}

/** Problem responses for the given statuses, with the usual descriptions. */
export function errorResponses<S extends ProblemStatus>(...statuses: S[]): Record<S, ReturnType<typeof errorResponse>> {
  const responses = {} as Record<S, ReturnType<typeof errorResponse>>;
  for (const status of statuses) responses[status] = errorResponse(DESCRIPTIONS[status]);
  return responses;
}

/** Bearer session token, required by every route that lists it in `security`. */
export const SESSION_SECURITY = [{ clerkSession: [] }];
