// The users and organizations the local Clerk stand-in answers with in `npm run dev`
// (.data/clerk-stand-in.json): `npm run token` adds the users it signs for, `npm run webhook`
// keeps each user and organization it sends as Clerk would then answer. So the first `GET /v1/me`
// of a new user works offline, as it does in production, where Clerk's Backend API knows them.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from './project-root.ts';

export const CLERK_DEV_STORE = path.join(PROJECT_ROOT, '.data', 'clerk-stand-in.json');

export type ClerkObject = { id: string; created_at?: number } & Record<string, unknown>;

export interface ClerkDevStore {
  users: Record<string, ClerkObject>;
  organizations: Record<string, ClerkObject>;
}

export function readClerkDevStore(file = CLERK_DEV_STORE): ClerkDevStore {
  if (!existsSync(file)) return { users: {}, organizations: {} };
  const store = JSON.parse(readFileSync(file, 'utf8')) as Partial<ClerkDevStore>;
  return { users: store.users ?? {}, organizations: store.organizations ?? {} };
}

export function writeClerkDevStore(store: ClerkDevStore, file = CLERK_DEV_STORE): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(store, null, 2)}\n`);
}

/** Applies `change` to the store in `file` and saves it. */
export function updateClerkDevStore(change: (store: ClerkDevStore) => void, file = CLERK_DEV_STORE): void {
  const store = readClerkDevStore(file);
  change(store);
  writeClerkDevStore(store, file);
}
