import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import type { Ctx } from '../shared/context.js';

/** A member's load and capacity at this moment (open leads, assignments in 30 days, caps, paused). */
export type MemberLoad = {
  userId: string;
  name: string | null;
  /** An active member of the workspace (removed members get no leads). */
  live: boolean;
  openLeads: number;
  assigned30d: number;
  paused: boolean;
  maxOpen: number | null;
  maxPer30d: number | null;
};

/** Loads of these users (all of them, in the given order; unknown users come back as not live). */
export async function memberLoads(db: Db, ctx: Ctx, userIds: string[]): Promise<MemberLoad[]> {
  if (userIds.length === 0) return [];
  const ws = ctx.workspaceId;
  const ids = sql.join(
    userIds.map((id) => sql`${id}::uuid`),
    sql`, `,
  );
  const r = (await db.execute(sql`
    select u.id as user_id, u.name, (m.user_id is not null) as live,
      coalesce(c.paused, false) as paused, c.max_open, c.max_per30d,
      (select count(*) from leads l where l.workspace_id = ${ws}::uuid and l.owner_id = u.id
         and l.status not in ('won', 'lost') and l.deleted_at is null)::int as open_leads,
      (select count(*) from lead_assignments a where a.workspace_id = ${ws}::uuid and a.to_user_id = u.id
         and a.created_at > now() - interval '30 days')::int as assigned_30d
    from users u
    left join memberships m on m.workspace_id = ${ws}::uuid and m.user_id = u.id and m.removed_at is null
    left join member_capacity c on c.workspace_id = ${ws}::uuid and c.user_id = u.id
    where u.id in (${ids})`)) as unknown as { rows: Record<string, unknown>[] };
  const byId = new Map(r.rows.map((x) => [String(x.user_id), x]));
  return userIds.map((id) => {
    const x = byId.get(id);
    return {
      userId: id,
      name: x ? String(x.name) : null,
      live: x ? Boolean(x.live) : false,
      openLeads: x ? Number(x.open_leads) : 0,
      assigned30d: x ? Number(x.assigned_30d) : 0,
      paused: x ? Boolean(x.paused) : false,
      maxOpen: x?.max_open == null ? null : Number(x.max_open),
      maxPer30d: x?.max_per30d == null ? null : Number(x.max_per30d),
    };
  });
}

/** Whether a member can take a new lead from a rule, and why (not). */
export function eligibility(m: MemberLoad): { eligible: boolean; reason: string } {
  if (!m.live) return { eligible: false, reason: 'not a member of the workspace' };
  if (m.paused) return { eligible: false, reason: 'paused' };
  if (m.maxOpen !== null && m.openLeads >= m.maxOpen)
    return { eligible: false, reason: `at the open-lead cap (${m.openLeads} of ${m.maxOpen})` };
  if (m.maxPer30d !== null && m.assigned30d >= m.maxPer30d)
    return { eligible: false, reason: `at the 30-day cap (${m.assigned30d} of ${m.maxPer30d})` };
  return { eligible: true, reason: 'eligible' };
}
