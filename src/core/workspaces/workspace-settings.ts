import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { workspaces } from '../db/schema/index.js';
import type { Ctx } from '../shared/context.js';

/** The workspace's default phone country: from the context when the principal loaded it, else the table. */
export async function countryOf(db: Db, ctx: Ctx): Promise<string> {
  if (ctx.defaultCountry) return ctx.defaultCountry;
  const [w] = await db
    .select({ c: workspaces.defaultCountry })
    .from(workspaces)
    .where(eq(workspaces.id, ctx.workspaceId));
  ctx.defaultCountry = w?.c ?? 'US';
  return ctx.defaultCountry;
}
