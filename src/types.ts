import type { Database, DbStats } from '../db/client.ts';
import type { Caller } from './auth/caller.ts';
import type { Bindings } from './config.ts';

/** Typed Hono context shared by every route: bindings plus per-request variables. */
export interface AppEnv {
  Bindings: Bindings;
  Variables: {
    requestId: string;
    /** The request's database. Created lazily: routes that never query open no connection. */
    db: Database;
    dbStats: DbStats;
    /** Clerk user id of the authenticated caller, for logs. */
    userId?: string;
    /** The verified session's claims; set by `requireSession` on authenticated routes. */
    caller: Caller;
  };
}
