// fast-check arbitraries for hostile input: strings Postgres and UTF-8 dislike, JSON that is
// almost right, and header values. Shared by the fuzz tests, which assert that no input ever
// yields a 500 and every answer is documented.
import fc from 'fast-check';

/** Few runs per property: the suite must stay fast on two cores, both drivers included. */
export const FUZZ_RUNS = 40;

const awkwardCharacter = fc.constantFrom(
  '\u0000',
  '\ud800',
  '\udfff',
  '\u202e',
  '\ufeff',
  '"',
  '\\',
  '%',
  "'",
  ';',
  '\n',
);

const awkwardString = fc.string({
  unit: fc.oneof(awkwardCharacter, fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), fc.constant('a')),
  minLength: 1,
  maxLength: 40,
});

export const hostileString = fc.oneof(
  { arbitrary: awkwardString, weight: 3 },
  { arbitrary: fc.string({ maxLength: 250 }), weight: 1 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 300 }), weight: 1 },
);

/** A request body: JSON of the right shape with hostile values, any JSON, or not JSON at all. */
export const hostileBody = fc.oneof(
  fc
    .record(
      {
        name: fc.oneof(hostileString, fc.jsonValue()),
        description: fc.oneof(hostileString, fc.constant(null), fc.jsonValue()),
      },
      { requiredKeys: [] },
    )
    .map((value) => JSON.stringify(value)),
  fc.dictionary(hostileString, fc.jsonValue(), { maxKeys: 4 }).map((value) => JSON.stringify(value)),
  fc.jsonValue().map((value) => JSON.stringify(value)),
  hostileString,
);

/** Mostly JSON, so most bodies reach validation; the rest must be 415. */
export const contentType = fc.oneof(
  { arbitrary: fc.constant('application/json'), weight: 6 },
  {
    arbitrary: fc.constantFrom(
      'application/json; charset=utf-8',
      'APPLICATION/JSON',
      'application/vnd.api+json',
      'application/json;',
      'text/plain',
      'multipart/form-data; boundary=x',
      '',
    ),
    weight: 2,
  },
);

/** True for values a client can actually put in a header (fetch rejects the rest before sending). */
export function isHeaderValue(value: string): boolean {
  try {
    new Headers({ x: value });
    return true;
  } catch {
    return false;
  }
}

export const headerValue = fc.string({ unit: 'binary-ascii', maxLength: 80 }).filter(isHeaderValue);
