// The typed client of the API (`hc<AppType>` from hono/client) wired to the Worker under test, as
// an API client would use it against a deployed URL.
import { hc } from 'hono/client';
import type { AppType } from '../src/app.ts';
import { send } from './helpers.ts';

export const client = hc<AppType>('http://api.test', {
  fetch: (input: RequestInfo | URL, init?: RequestInit) => send(new Request(input, init)),
});
