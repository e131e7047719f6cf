// pg-cloudflare publishes its types only under the non-Workers export condition, where the
// module is empty; this describes the Workers build that db/pg.ts imports.
declare module 'pg-cloudflare' {
  import type { Duplex } from 'node:stream';
  export class CloudflareSocket extends Duplex {
    constructor(ssl: boolean);
  }
}
