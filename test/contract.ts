// Checks responses against the Worker's own GET /openapi.json: the status is documented for the
// operation, its required headers are sent, and the body matches the documented schema (no
// undocumented keys, none missing, types and formats as documented), all the way down. Route
// tests pass their responses through `documented`, so every response they see is compared with
// the contract.
//
// The schemas are JSON Schema 2020-12 (OpenAPI 3.1), checked by ajv. ajv compiles each schema
// with `new Function`, which deployed Workers forbid; the Vitest plugin backs `Function` in the
// test isolate with workerd's unsafe-eval binding, so it works here, and this module only ever
// runs in tests. Should a plugin upgrade drop that, every contract check throws at compile time.
import Ajv2020, { type ErrorObject } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { expect } from 'vitest';
import { call } from './helpers.ts';

type Operation = {
  responses: Record<
    string,
    { headers?: Record<string, { required?: boolean }>; content?: Record<string, { schema: unknown }> }
  >;
};
type Document = { paths: Record<string, Record<string, Operation>> };

// The document is registered whole under this id, so a response schema is reached by a JSON
// pointer into it and its `#/components/schemas/...` references resolve against the document.
const DOCUMENT_ID = 'openapi.json';

// Registering the document makes ajv compile its root as a schema: for strict mode the OpenAPI
// Object's fields must be known keywords.
const OPENAPI_OBJECT_FIELDS = [
  'openapi',
  'info',
  'jsonSchemaDialect',
  'servers',
  'paths',
  'webhooks',
  'components',
  'security',
  'tags',
  'externalDocs',
];
// What OpenAPI 3.1 adds to JSON Schema 2020-12 in a Schema Object (`externalDocs` is above).
const OPENAPI_SCHEMA_KEYWORDS = ['discriminator', 'xml', 'example'];

let contract: Promise<{ document: Document; validator: Ajv2020 }> | undefined;

function loadContract(): Promise<{ document: Document; validator: Ajv2020 }> {
  contract ??= call('/openapi.json')
    .then((response) => response.json() as Promise<Document>)
    .then((document) => ({ document, validator: openApiValidator(document) }));
  return contract;
}

/** An ajv instance holding `document`, set up for OpenAPI 3.1 schemas. */
function openApiValidator(document: Document): Ajv2020 {
  const validator = new Ajv2020({
    // Every departure, not just the first, so one failing test shows the whole mismatch.
    allErrors: true,
    // Nullable fields are documented as `type: ['string', 'null']`.
    allowUnionTypes: true,
  });
  // Annotations ajv should accept and not check. Strict mode stays on, so any other unknown
  // keyword (a typo) fails the test instead of being silently ignored.
  validator.addVocabulary([...OPENAPI_OBJECT_FIELDS, ...OPENAPI_SCHEMA_KEYWORDS]);
  // Strict mode also rejects a schema whose `format` is not registered, rather than letting it
  // pass unchecked: a new format needs no change here if ajv-formats knows it, else it fails.
  addFormats(validator);
  validator.addSchema(document, DOCUMENT_ID);
  return validator;
}

/** The compiled validator of one documented response body (ajv caches it by its key). */
function bodyValidator(validator: Ajv2020, path: string, method: string, status: string, mediaType: string) {
  const pointer = ['paths', path, method, 'responses', status, 'content', mediaType, 'schema']
    .map((part) => encodeURIComponent(part.replaceAll('~', '~0').replaceAll('/', '~1')))
    .join('/');
  const validate = validator.getSchema(`${DOCUMENT_ID}#/${pointer}`);
  if (!validate) throw new Error(`${method} ${path} ${status} ${mediaType}: no schema in the document`);
  return validate;
}

/** One line per departure: where in the body, and what is wrong there. */
function describeErrors(errors: ErrorObject[]): string {
  return errors
    .map((error) => {
      const key = error.keyword === 'additionalProperties' ? `: ${error.params.additionalProperty}` : '';
      return `  body${error.instancePath} ${error.message}${key}`;
    })
    .join('\n');
}

/**
 * Asserts that `response` is documented for `operation` (e.g. `'GET /v1/widgets/{id}'`, with the
 * path as written in the document) and returns its parsed body.
 */
export async function documented<T = unknown>(response: Response, operation: string): Promise<T> {
  const [method, path] = operation.split(' ') as [string, string];
  const { document, validator } = await loadContract();
  const spec = document.paths[path]?.[method.toLowerCase()];
  expect(spec, `${operation} is documented`).toBeDefined();
  const status = String(response.status);
  const documentedResponse = spec!.responses[status];
  expect(documentedResponse, `${operation} documents status ${status}`).toBeDefined();
  for (const [header, { required }] of Object.entries(documentedResponse!.headers ?? {})) {
    if (required) expect(response.headers.get(header), `${operation} ${status} sends ${header}`).not.toBeNull();
  }
  if (!documentedResponse!.content) {
    expect(await response.text()).toBe('');
    return undefined as T;
  }
  const mediaType = (response.headers.get('content-type') ?? '').split(';')[0]!;
  expect(documentedResponse!.content[mediaType], `${operation} ${status} documents ${mediaType}`).toBeDefined();
  const validate = bodyValidator(validator, path, method.toLowerCase(), status, mediaType);
  const body = await response.json();
  // Thrown rather than compared with expect, whose message would truncate the list.
  if (!validate(body))
    throw new Error(`${operation} ${status} departs from its schema:\n${describeErrors(validate.errors!)}`);
  return body as T;
}
