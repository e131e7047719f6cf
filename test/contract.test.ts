// The contract check itself: `documented` holds bodies to the Worker's published schemas, so a
// route test that passes a response through it fails when the body departs from the document.
import { describe, expect, it } from 'vitest';
import { documented } from './contract.ts';

const me = {
  id: '01967a3c-5b2e-7d4f-8a1b-2c3d4e5f6a7b',
  clerkUserId: 'user_2abc',
  email: 'ada@example.com',
  firstName: 'Ada',
  lastName: null,
  imageUrl: null,
  createdAt: '2026-01-02T03:04:05.678Z',
  updatedAt: '2026-01-02T03:04:05.678Z',
};

const checkMe = (body: unknown) => documented(Response.json(body), 'GET /v1/me');

describe('documented', () => {
  it('accepts a body that matches the schema and returns it', async () => {
    expect(await checkMe(me)).toEqual(me);
  });

  it('rejects an undocumented key, naming it', async () => {
    await expect(checkMe({ ...me, role: 'admin' })).rejects.toThrow('body must NOT have additional properties: role');
  });

  it('rejects a missing required key, naming it', async () => {
    const { email: _, ...withoutEmail } = me;
    await expect(checkMe(withoutEmail)).rejects.toThrow("body must have required property 'email'");
  });

  it('rejects a wrong type, saying where', async () => {
    await expect(checkMe({ ...me, firstName: 42 })).rejects.toThrow('body/firstName must be string,null');
  });

  it('rejects a value that breaks its documented format', async () => {
    await expect(checkMe({ ...me, id: 'user_2abc' })).rejects.toThrow('body/id must match format "uuid"');
    await expect(checkMe({ ...me, createdAt: 'yesterday' })).rejects.toThrow(
      'body/createdAt must match format "date-time"',
    );
  });

  it('follows references into components, saying where in the body', async () => {
    const problem = {
      type: '/problems/not-found',
      title: 'Not Found',
      status: 404,
      detail: 'No such user.',
      errors: [{ path: 'body.name' }],
      requestId: 'req_1',
    };
    const response = Response.json(problem, { status: 404, headers: { 'content-type': 'application/problem+json' } });
    await expect(documented(response, 'GET /v1/me')).rejects.toThrow(
      "body/errors/0 must have required property 'message'",
    );
  });
});
