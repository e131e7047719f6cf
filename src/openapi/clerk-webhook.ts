// The documented contract of POST /webhooks/clerk (src/webhooks/clerk/routes.ts). That route
// reads the raw body for the Svix signature, so it cannot be a zod-validated OpenAPI route;
// its description is registered from here instead.

import type { RouteConfig } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import { problemResponses } from './problems.ts';

const clerkEventEnvelope = z
  .looseObject({
    type: z.string().openapi({ example: 'user.updated' }),
    timestamp: z.int().openapi({ description: 'Milliseconds since the epoch.' }),
    data: z.looseObject({}),
  })
  .openapi('ClerkEvent', { description: 'A Clerk webhook event as delivered by Svix.' });

const svixHeader = (name: string, description: string) =>
  z.string().openapi({ param: { name, in: 'header', required: true }, description });

export const clerkWebhookOperation = {
  method: 'post',
  path: '/webhooks/clerk',
  tags: ['Webhooks'],
  summary: 'Receive a Clerk event',
  description:
    'Called by Clerk through Svix, authenticated by the Svix signature (no session). Users, organizations and memberships are applied with a deterministic winner rule; every delivery is kept in a ledger.',
  security: [],
  request: {
    headers: z.object({
      'svix-id': svixHeader('svix-id', 'Delivery id; redeliveries repeat it.'),
      'svix-timestamp': svixHeader('svix-timestamp', 'Unix seconds; more than 5 minutes off is rejected.'),
      'svix-signature': svixHeader('svix-signature', 'Space-separated `v1,<base64>` signatures.'),
    }),
    body: { required: true, content: { 'application/json': { schema: clerkEventEnvelope } } },
  },
  responses: {
    200: {
      description: 'Processed; `outcome` says what the delivery did.',
      content: {
        'application/json': {
          schema: z
            .strictObject({ outcome: z.enum(['applied', 'stale', 'duplicate', 'ignored']) })
            .openapi('WebhookOutcome'),
        },
      },
    },
    ...problemResponses(
      'invalid-signature',
      'invalid-event',
      'payload-too-large',
      'rate-limited',
      'database-unavailable',
    ),
  },
} satisfies RouteConfig;
