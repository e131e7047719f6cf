// The GET /v1/me contract: the signed-in user's profile as synced from Clerk.
import { z } from '@hono/zod-openapi';

export const meSchema = z
  .strictObject({
    id: z.uuid(),
    clerkUserId: z.string().openapi({ example: 'user_2abc' }),
    email: z.string().nullable(),
    firstName: z.string().nullable(),
    lastName: z.string().nullable(),
    imageUrl: z.string().nullable(),
    createdAt: z.iso.datetime().openapi({ description: 'When the user signed up (Clerk).' }),
    updatedAt: z.iso.datetime().openapi({ description: 'When Clerk last changed the user.' }),
  })
  .openapi('Me');

export type Me = z.infer<typeof meSchema>;
