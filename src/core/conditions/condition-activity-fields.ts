import { sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { ACTIVITY_TYPES, activities } from '../db/schema/index.js';
import type {
  ConditionActivity,
  ConditionEntity,
  ConditionTarget,
  FieldDef,
  FieldEnv,
  RootTable,
} from './condition-field-types.js';
import { addDays, foldAscii, microsToIso, toMicros } from './condition-values.js';

const ACTIVITY_FK: Record<ConditionEntity, string> = {
  lead: 'leadId',
  contact: 'contactId',
  account: 'accountId',
  deal: 'dealId',
};
const ACT = alias(activities, 'cond_act') as unknown as RootTable;
const ACTIVITY_TYPE_LIST = [...ACTIVITY_TYPES].sort((a, b) => b.length - a.length);
const ACTIVITY_RE = /^activities\.([a-z0-9_]+)\.(count|last_([0-9]{1,4})d)$/;

/**
 * `activities.<what>.count` (all time) or `activities.<what>.last_<N>d` (occurred in [now − N days,
 * now]), where <what> is an activity type, `any`, or `<type>_<outcome>` (outcome compared to the word
 * case-insensitively, ASCII). Soft-deleted activities do not count.
 */
export function activityField(entity: ConditionTarget, name: string): FieldDef | string {
  if (entity === 'activity' || entity === 'task')
    return `is not a field: activity counts are for leads, contacts, accounts and deals, not ${entity === 'activity' ? 'activities' : 'tasks'}`;
  const m = ACTIVITY_RE.exec(name);
  if (!m) return 'must be activities.<type>.count or activities.<type>.last_<N>d';
  const what = m[1]!;
  const days = m[3] === undefined ? null : Number(m[3]);
  if (days !== null && (days < 1 || days > 3650)) return 'the window must be 1 to 3650 days (last_<N>d)';
  let type: string | null = null;
  let outcome: string | null = null;
  for (const t of ['any', ...ACTIVITY_TYPE_LIST]) {
    if (what === t) {
      type = t;
      break;
    }
    if (what.startsWith(`${t}_`) && what.length > t.length + 1) {
      type = t;
      outcome = what.slice(t.length + 1);
      break;
    }
  }
  if (!type)
    return `the activity type must be any or one of ${ACTIVITY_TYPES.join(', ')} (optionally _<outcome>)`;
  const fk = ACTIVITY_FK[entity];
  const windowOf = (env: FieldEnv) =>
    days === null ? null : { from: addDays(env.nowMicros, -days), to: env.nowMicros };
  return {
    name,
    type: 'number',
    nullable: false,
    plain: false,
    cast: '::numeric',
    textOrder: false,
    get: (r, env) => {
      const list = Array.isArray(r.activities) ? (r.activities as ConditionActivity[]) : [];
      const w = windowOf(env);
      let n = 0;
      for (const a of list) {
        if (a.deletedAt) continue;
        if (type !== 'any' && a.type !== type) continue;
        if (outcome !== null && (typeof a.outcome !== 'string' || foldAscii(a.outcome) !== outcome)) continue;
        if (w) {
          const at = toMicros(a.occurredAt);
          if (at === null || at < w.from || at > w.to) continue;
        }
        n++;
      }
      return n;
    },
    sql: (root, env) => {
      const w = windowOf(env);
      return sql`(select count(*) from ${activities} "cond_act" where ${ACT.workspaceId} = ${root.workspaceId} and ${ACT[fk]} = ${root.id} and ${ACT.deletedAt} is null${
        type === 'any' ? sql`` : sql` and ${ACT.type} = ${type}`
      }${outcome === null ? sql`` : sql` and lower(${ACT.outcome} collate "C") = ${outcome}`}${
        w
          ? sql` and ${ACT.occurredAt} >= ${microsToIso(w.from)}::timestamptz and ${ACT.occurredAt} <= ${microsToIso(w.to)}::timestamptz`
          : sql``
      })`;
    },
  };
}
