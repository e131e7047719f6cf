// Svix signature verification over the raw body, with several secrets during rotation.
import { Webhook, WebhookVerificationError } from 'svix';

export interface SvixHeaders {
  'svix-id': string;
  'svix-timestamp': string;
  'svix-signature': string;
}

/** The three svix headers, or undefined when any is missing. */
export function svixHeaders(get: (name: string) => string | undefined): SvixHeaders | undefined {
  const id = get('svix-id');
  const timestamp = get('svix-timestamp');
  const signature = get('svix-signature');
  if (!id || !timestamp || !signature) return undefined;
  return { 'svix-id': id, 'svix-timestamp': timestamp, 'svix-signature': signature };
}

/**
 * True when the body is signed by any of the secrets and the timestamp is within 5 minutes
 * (svix's tolerance). `svix` 2.x throws on failure and returns nothing on success.
 */
export function isSignedBy(secrets: readonly string[], body: string, headers: SvixHeaders): boolean {
  for (const secret of secrets) {
    try {
      new Webhook(secret).verify(body, { ...headers });
      return true;
    } catch (error) {
      if (!(error instanceof WebhookVerificationError)) throw error;
    }
  }
  return false;
}
