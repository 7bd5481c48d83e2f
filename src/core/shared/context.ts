export const ROLES = ['owner', 'admin', 'manager', 'rep', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/** Who is acting, and in which workspace. Every core service takes one; every query is scoped by it. */
export type Ctx = {
  workspaceId: string;
  userId: string | null;
  apiKeyId: string | null;
  role: Role;
  requestId?: string;
  /** The workspace's country for phone numbers without a country code (loaded with the principal). */
  defaultCountry?: string;
};

const rank: Record<Role, number> = { viewer: 0, rep: 1, manager: 2, admin: 3, owner: 4 };

export const roleAtLeast = (role: Role, min: Role): boolean => rank[role] >= rank[min];

/** A system actor for CLI work (demo data, migrations) inside one workspace. */
export const systemCtx = (workspaceId: string, userId: string | null = null): Ctx => ({
  workspaceId,
  userId,
  apiKeyId: null,
  role: 'owner',
});
