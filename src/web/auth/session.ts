import { useSession } from '../api/hooks';
import type { Role, Workspace } from '../api/types';

const rank: Record<Role, number> = { viewer: 0, rep: 1, manager: 2, admin: 3, owner: 4 };

/** The current workspace (the app only renders signed-in screens when there is one). */
export function useWorkspace(): Workspace {
  const { data } = useSession();
  return data?.workspace ?? { id: '', name: '', role: 'viewer', defaultCountry: 'US', currency: 'USD' };
}

/** What the signed-in person may do in the current workspace; viewers get no write buttons. */
export function usePermissions() {
  const { role } = useWorkspace();
  return { role, canWrite: rank[role] >= rank.rep, isAdmin: rank[role] >= rank.admin };
}
