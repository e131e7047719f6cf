// The database a command works on: DATABASE_URL (shell, then .dev.vars), else the local database
// "app" that `npm run dev` uses, on the local server (started for the command when not running).
import { readDevVars } from './dev-vars.ts';
import { startLocalPostgres } from './local-postgres.ts';

export const LOCAL_DATABASE = 'app';
export const LOCAL_SERVER = { name: 'postgres', preferredPort: 54329 };

export async function withTargetDatabase<T>(work: (url: string, label: string) => Promise<T>): Promise<T> {
  const url = process.env.DATABASE_URL ?? readDevVars().DATABASE_URL;
  if (url) return work(url, `${new URL(url).host}${new URL(url).pathname}`);
  const postgres = await startLocalPostgres(LOCAL_SERVER);
  try {
    return await work(await postgres.database(LOCAL_DATABASE), `the local database "${LOCAL_DATABASE}"`);
  } finally {
    await postgres.stop();
  }
}
