// Request validation shared by every route: the hook that turns zod failures into one 400
// problem listing each invalid field, and the string type for user text stored in Postgres.
import { z } from '@hono/zod-openapi';
import type { ValidationTargets } from 'hono';
import type { ZodError } from 'zod';
import { badRequest } from './problem.ts';

/** Where a field came from, as named in `errors[].path` (e.g. `body.name`, `query.limit`). */
const LOCATIONS: Record<keyof ValidationTargets, string> = {
  json: 'body',
  form: 'body',
  query: 'query',
  param: 'path',
  header: 'header',
  cookie: 'cookie',
};

/** The `defaultHook` of the app: a failed validation answers 400 problem+json. */
export function validationHook(
  result: { target: keyof ValidationTargets } & ({ success: true } | { success: false; error: ZodError }),
): void {
  if (result.success) return;
  throw badRequest('The request is invalid; see `errors`.', invalidFields(LOCATIONS[result.target], result.error));
}

function invalidFields(location: string, error: ZodError): { path: string; message: string }[] {
  return error.issues.flatMap((issue) => {
    const path = [location, ...issue.path.map(String)].join('.');
    // One entry per unknown field, so a client sees each name it should not have sent.
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: `${path}.${key}`, message: 'Unknown field.' }));
    }
    return [{ path, message: issue.message }];
  });
}

/**
 * User-supplied text bound for a Postgres `text` column: bounded, and free of what Postgres or
 * UTF-8 cannot store (NUL, unpaired surrogates), so bad input is a 400 and never a 500.
 */
export function storableText(maxLength: number) {
  return z
    .string()
    .max(maxLength)
    .refine(
      (value) => !value.includes('\u0000') && value.isWellFormed(),
      'Must not contain NUL or unpaired surrogates.',
    );
}
