// Checks responses against the Worker's own GET /openapi.json: the status is documented for the
// operation, and the body has exactly the documented keys (no more, none missing), all the way
// down. Route tests pass their responses through `documented`, so every response they see is
// compared with the contract.
import { expect } from 'vitest';
import { call } from './helpers.ts';

type Schema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  enum?: unknown[];
  const?: unknown;
};
type Operation = {
  responses: Record<
    string,
    { headers?: Record<string, { required?: boolean }>; content?: Record<string, { schema: Schema }> }
  >;
};
type Document = { paths: Record<string, Record<string, Operation>>; components?: { schemas?: Record<string, Schema> } };

let openApi: Promise<Document> | undefined;

export function openApiDocument(): Promise<Document> {
  openApi ??= call('/openapi.json').then((response) => response.json() as Promise<Document>);
  return openApi;
}

/**
 * Asserts that `response` is documented for `operation` (e.g. `'GET /v1/widgets/{id}'`, with the
 * path as written in the document) and returns its parsed body.
 */
export async function documented<T = unknown>(response: Response, operation: string): Promise<T> {
  const [method, path] = operation.split(' ') as [string, string];
  const document = await openApiDocument();
  const spec = document.paths[path]?.[method.toLowerCase()];
  expect(spec, `${operation} is documented`).toBeDefined();
  const documentedResponse = spec!.responses[String(response.status)];
  expect(documentedResponse, `${operation} documents status ${response.status}`).toBeDefined();
  for (const [header, { required }] of Object.entries(documentedResponse!.headers ?? {})) {
    if (required)
      expect(response.headers.get(header), `${operation} ${response.status} sends ${header}`).not.toBeNull();
  }
  if (!documentedResponse!.content) {
    expect(await response.text()).toBe('');
    return undefined as T;
  }
  const mediaType = (response.headers.get('content-type') ?? '').split(';')[0]!;
  const schema = documentedResponse!.content[mediaType]?.schema;
  expect(schema, `${operation} ${response.status} documents ${mediaType}`).toBeDefined();
  const body = await response.json();
  expect(mismatches(body, schema!, document, 'body'), `${operation} ${response.status} matches its schema`).toEqual([]);
  return body as T;
}

/** Where `value` departs from `schema`: wrong types, undocumented keys, missing required keys. */
export function mismatches(value: unknown, schema: Schema, document: Document, at: string): string[] {
  if (schema.$ref) {
    const name = schema.$ref.replace('#/components/schemas/', '');
    const target = document.components?.schemas?.[name];
    return target ? mismatches(value, target, document, at) : [`${at}: unresolved ${schema.$ref}`];
  }
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) {
    const results = alternatives.map((alternative) => mismatches(value, alternative, document, at));
    return results.some((result) => result.length === 0) ? [] : results.flat();
  }
  if (schema.enum && !schema.enum.includes(value)) return [`${at}: ${JSON.stringify(value)} not in enum`];
  if (schema.const !== undefined && schema.const !== value) return [`${at}: not ${JSON.stringify(schema.const)}`];
  const types = schema.type === undefined ? undefined : [schema.type].flat();
  if (types && !types.some((type) => isType(value, type))) return [`${at}: ${JSON.stringify(value)} is not ${types}`];
  if (Array.isArray(value) && schema.items) {
    return value.flatMap((item, index) => mismatches(item, schema.items!, document, `${at}[${index}]`));
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && schema.properties) {
    const properties = schema.properties;
    const record = value as Record<string, unknown>;
    const problems = (schema.required ?? []).filter((key) => !(key in record)).map((key) => `${at}.${key}: missing`);
    for (const [key, item] of Object.entries(record)) {
      if (properties[key]) problems.push(...mismatches(item, properties[key], document, `${at}.${key}`));
      else if (schema.additionalProperties === false) problems.push(`${at}.${key}: not documented`);
    }
    return problems;
  }
  return [];
}

function isType(value: unknown, type: string): boolean {
  switch (type) {
    case 'null':
      return value === null;
    case 'object':
      return value !== null && typeof value === 'object' && !Array.isArray(value);
    case 'array':
      return Array.isArray(value);
    case 'integer':
      return Number.isInteger(value);
    default:
      return typeof value === type;
  }
}
