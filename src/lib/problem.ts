// RFC 9457 problem details: the one error format of the API. Every non-2xx response,
// 404 included, goes through `problemResponse`.
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export interface Problem {
  /** Stable, machine-readable kind; a relative URI such as `/problems/validation-failed`. */
  type: string;
  title: string;
  status: number;
  detail: string;
  /** Per-field validation failures. */
  errors?: { path: string; message: string }[];
}

/** An error a handler throws to answer with a specific problem. */
export class ApiError extends Error {
  readonly status: ContentfulStatusCode;
  readonly problemType: string;
  readonly title: string;
  readonly errors: Problem['errors'];
  readonly headers: Record<string, string>;

  constructor(
    status: ContentfulStatusCode,
    problemType: string,
    title: string,
    detail: string,
    options: { errors?: Problem['errors']; headers?: Record<string, string> } = {},
  ) {
    super(detail);
    this.name = 'ApiError';
    this.status = status;
    this.problemType = problemType;
    this.title = title;
    this.errors = options.errors;
    this.headers = options.headers ?? {};
  }
}

export const notFound = (detail = 'The requested resource does not exist.') =>
  new ApiError(404, 'not-found', 'Not Found', detail);

export const badRequest = (detail: string, errors?: Problem['errors']) =>
  new ApiError(400, 'validation-failed', 'Bad Request', detail, errors ? { errors } : {});

export function problemResponse(c: Context, error: ApiError): Response {
  const body: Problem & { requestId: string } = {
    type: `/problems/${error.problemType}`,
    title: error.title,
    status: error.status,
    detail: error.message,
    ...(error.errors ? { errors: error.errors } : {}),
    requestId: c.get('requestId') ?? '',
  };
  return c.body(JSON.stringify(body), error.status, {
    ...error.headers,
    'Content-Type': 'application/problem+json',
  });
}
