// RFC 9457 problem details: the one error format of the API, and its one catalogue. Every
// non-2xx response, 404 included, is built from an entry here (`ApiError` → `problemResponse`),
// and the OpenAPI document describes error responses from the same entries (src/openapi/problems.ts),
// so a type, its status and its title can never disagree between the code and the contract.
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export const PROBLEMS = {
  'validation-failed': { status: 400, title: 'Bad Request', description: 'Invalid input; `errors` lists each field.' },
  unauthorized: { status: 401, title: 'Unauthorized', description: 'Missing, invalid or expired session token.' },
  'invalid-signature': {
    status: 401,
    title: 'Unauthorized',
    description: 'Missing svix headers, a signature no configured secret made, or a stale timestamp.',
  },
  forbidden: { status: 403, title: 'Forbidden', description: 'Visible to the caller, but not allowed for their role.' },
  'not-found': { status: 404, title: 'Not Found', description: 'Not found, or not visible to the caller.' },
  'quota-exceeded': {
    status: 409,
    title: 'Quota Exceeded',
    description: 'The owner already has as many of these as the quota allows; delete one first.',
  },
  conflict: {
    status: 409,
    title: 'Conflict',
    description: 'The request conflicts with the current state, e.g. a unique value another row already holds.',
  },
  'precondition-failed': {
    status: 412,
    title: 'Precondition Failed',
    description: 'If-Match does not match the current ETag.',
  },
  'payload-too-large': { status: 413, title: 'Payload Too Large', description: 'The body is over the size limit.' },
  'unsupported-media-type': {
    status: 415,
    title: 'Unsupported Media Type',
    description:
      'Content-Type is not application/json (or, for an upload, not an accepted file type), or the body is not of that type.',
  },
  'range-not-satisfiable': {
    status: 416,
    title: 'Range Not Satisfiable',
    description: 'The Range starts past the end of the file; Content-Range gives its size.',
  },
  'idempotency-key-reused': {
    status: 422,
    title: 'Idempotency Key Reused',
    description: 'The Idempotency-Key was used with a different request in the last 24 hours.',
  },
  'invalid-event': {
    status: 422,
    title: 'Unprocessable Event',
    description: 'Not JSON, or not a valid event; kept in the ledger for replay.',
  },
  'rate-limited': {
    status: 429,
    title: 'Too Many Requests',
    description:
      'Over a rate limit: per caller, or per client address for failed authentications and unauthenticated database routes; retry after Retry-After seconds.',
  },
  internal: { status: 500, title: 'Internal Server Error', description: 'An unexpected error; details are logged.' },
  misconfigured: {
    status: 500,
    title: 'Server Misconfigured',
    description: 'A binding or variable is missing or malformed; the detail names it.',
  },
  'database-unavailable': {
    status: 503,
    title: 'Service Unavailable',
    description: 'The database did not answer; retry after Retry-After seconds.',
  },
  'clerk-unavailable': {
    status: 503,
    title: 'Service Unavailable',
    description: 'Clerk could not be reached; retry after Retry-After seconds.',
  },
} as const satisfies Record<string, { status: ContentfulStatusCode; title: string; description: string }>;

export type ProblemType = keyof typeof PROBLEMS;

export interface Problem {
  /** Stable, machine-readable kind; a relative URI such as `/problems/validation-failed`. */
  type: string;
  title: string;
  status: number;
  detail: string;
  /** Per-field validation failures. */
  errors?: { path: string; message: string }[];
}

/** An error a handler throws to answer with a problem from the catalogue. */
export class ApiError extends Error {
  readonly problemType: ProblemType;
  readonly errors: Problem['errors'];
  readonly headers: Record<string, string>;

  constructor(
    problemType: ProblemType,
    detail: string,
    options: { errors?: Problem['errors']; headers?: Record<string, string> } = {},
  ) {
    super(detail);
    this.name = 'ApiError';
    this.problemType = problemType;
    this.errors = options.errors;
    this.headers = options.headers ?? {};
  }

  get status(): ContentfulStatusCode {
    return PROBLEMS[this.problemType].status;
  }
}

export const notFound = (detail = 'The requested resource does not exist.') => new ApiError('not-found', detail);

export const badRequest = (detail: string, errors?: Problem['errors']) =>
  new ApiError('validation-failed', detail, errors ? { errors } : {});

/** The one 413: every body limit (JSON bodies, webhooks, uploads) answers with it. */
export const payloadTooLarge = (maxBytes: number) =>
  new ApiError('payload-too-large', `Request bodies here are limited to ${maxBytes} bytes.`);

export function problemResponse(c: Context, error: ApiError): Response {
  const { status, title } = PROBLEMS[error.problemType];
  const body: Problem & { requestId: string } = {
    type: `/problems/${error.problemType}`,
    title,
    status,
    detail: error.message,
    ...(error.errors ? { errors: error.errors } : {}),
    requestId: c.get('requestId') ?? '',
  };
  return c.body(JSON.stringify(body), status, { ...error.headers, 'Content-Type': 'application/problem+json' });
}
