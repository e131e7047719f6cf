// The one body limit: counted while the body is read, so a missing or lying Content-Length does
// not help; over the limit, the catalogue's 413 (src/lib/problem.ts).
import { bodyLimit } from 'hono/body-limit';
import { payloadTooLarge } from '../lib/problem.ts';

export const limitBody = (maxBytes: number) =>
  bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw payloadTooLarge(maxBytes);
    },
  });
