// The signed-in user's row, read by Clerk user id (users_clerk_user_id_key).
import { eq } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { users } from '../../db/schema.ts';

/** The profile columns of GET /v1/me, plus the two sync flags that decide how to answer. */
const userColumns = {
  id: users.id,
  clerkUserId: users.clerkUserId,
  email: users.email,
  firstName: users.firstName,
  lastName: users.lastName,
  imageUrl: users.imageUrl,
  createdAt: users.clerkCreatedAt,
  updatedAt: users.clerkUpdatedAt,
  isPlaceholder: users.isPlaceholder,
  deletedAt: users.deletedAt,
};

export type UserRow = Awaited<ReturnType<typeof findUser>>;

export async function findUser(db: Database, clerkUserId: string) {
  const [row] = await db.select(userColumns).from(users).where(eq(users.clerkUserId, clerkUserId));
  return row;
}
