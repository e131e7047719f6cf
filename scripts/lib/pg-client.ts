// One short-lived pg connection for Node-side tooling: opened, used, always closed.
import pg from 'pg';

export async function withPgClient<T>(
  url: string,
  work: (client: pg.Client) => Promise<T>,
  applicationName?: string,
): Promise<T> {
  const client = new pg.Client({
    connectionString: url,
    ...(applicationName ? { application_name: applicationName } : {}),
  });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
