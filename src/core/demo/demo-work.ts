import { sql } from 'drizzle-orm';
import { whenText } from '../appointments/appointment-timeline.js';
import type { Db } from '../db/client.js';
import { recomputeLeads } from '../scoring/recompute.service.js';
import { invalidateRuleSet, loadRuleSet } from '../scoring/scoring-rule-set.js';
import { systemCtx } from '../shared/context.js';
import { AppError } from '../shared/errors.js';
import { newId } from '../shared/ids.js';
import { type Col, insertRows } from './insert-rows.js';
import { Rand } from './random.js';

/**
 * The daily work of the demo team (issue 4), loaded after the leads and their activities, in the demo's
 * transaction: teams and member capacity, assignment rules with a history row for every owned lead,
 * tasks (overdue, due today, upcoming, completed with their timeline entry, some reminders due),
 * appointments with outcomes and timeline entries, and scoring rules — then every lead is scored by the
 * scoring module's set-based recompute, so a demo lead's score is what the rules give.
 *
 * Set-based like the rest of the demo: assignment history is one INSERT … SELECT; tasks and
 * appointments are generated per batch of leads (read by id) and written with one multi-row insert per
 * batch and table. Each lead's draws come from its own generator seeded by the demo's seed and the
 * lead's board rank, so the work is the same for the same seed (ids aside), whatever the batch size.
 */

export type DemoWorkMember = {
  id: string;
  role: 'owner' | 'admin' | 'manager' | 'rep' | 'viewer';
  name: string;
};

export type DemoWorkCounts = {
  teams: number;
  assignmentRules: number;
  assignments: number;
  scoringRules: number;
  /** Leads whose stored score or reasons the rules changed. */
  scoresChanged: number;
  tasks: number;
  openTasks: number;
  appointments: number;
  /** Timeline entries written for completed tasks and appointments (also in the demo's activities). */
  activities: number;
};

export type DemoWorkOptions = {
  workspaceId: string;
  /** Owner first, then the demo team (manager, reps, viewer) as demo.service creates them. */
  members: DemoWorkMember[];
  seed: number;
  /** "Now" of the generated data (ms). */
  now: number;
  batchSize: number;
  onProgress?: (phase: 'work' | 'scores', done: number, total: number) => void;
};

/** The tables this module writes (the demo analyzes them and checks their foreign keys). */
export const DEMO_WORK_TABLES = [
  'teams',
  'team_members',
  'member_capacity',
  'assignment_rules',
  'lead_assignments',
  'scoring_rules',
  'tasks',
  'appointments',
];

const DAY = 86_400_000;
const HOUR = 3_600_000;
const rowsOf = <T>(r: unknown): T[] => (r as { rows: T[] }).rows;
const iso = (ms: number) => new Date(ms).toISOString();

const TASK_COLS: Col[] = [
  ['id', 'uuid'],
  ['title', 'text'],
  ['description', 'text'],
  ['type', 'text'],
  ['priority', 'text'],
  ['status', 'text'],
  ['due_at', 'timestamptz'],
  ['remind_at', 'timestamptz'],
  ['assignee_id', 'uuid'],
  ['lead_id', 'uuid'],
  ['contact_id', 'uuid'],
  ['completed_at', 'timestamptz'],
  ['completed_by', 'uuid'],
  ['created_by', 'uuid'],
  ['created_at', 'timestamptz'],
  ['updated_at', 'timestamptz'],
];
const APPOINTMENT_COLS: Col[] = [
  ['id', 'uuid'],
  ['lead_id', 'uuid'],
  ['contact_id', 'uuid'],
  ['title', 'text'],
  ['scheduled_at', 'timestamptz'],
  ['duration_minutes', 'int'],
  ['location', 'text'],
  ['assignee_id', 'uuid'],
  ['status', 'text'],
  ['result', 'text'],
  ['outcome_notes', 'text'],
  ['objections', 'text'],
  ['quote_value', 'numeric'],
  ['next_contact_at', 'timestamptz'],
  ['created_by', 'uuid'],
  ['created_at', 'timestamptz'],
  ['updated_at', 'timestamptz'],
];
const ACTIVITY_COLS: Col[] = [
  ['id', 'uuid'],
  ['type', 'text'],
  ['lead_id', 'uuid'],
  ['contact_id', 'uuid'],
  ['user_id', 'uuid'],
  ['subject', 'text'],
  ['body', 'text'],
  ['outcome', 'text'],
  ['duration_minutes', 'int'],
  ['occurred_at', 'timestamptz'],
  ['metadata', 'jsonb'],
  ['created_at', 'timestamptz'],
  ['updated_at', 'timestamptz'],
];

/** What a task is about, by type: title templates ({first}, {product}) and the type's share. */
const TASK_KINDS: { type: string; weight: number; titles: string[] }[] = [
  {
    type: 'call',
    weight: 30,
    titles: ['Call {first} about {product}', 'Follow-up call with {first}', 'Call back {first} {last}'],
  },
  {
    type: 'email',
    weight: 20,
    titles: ['Email {first} the {product} brochure', 'Send case studies to {first}', 'Reply to {first}'],
  },
  {
    type: 'follow_up',
    weight: 25,
    titles: [
      'Follow up with {first} {last}',
      'Check in on {product} decision',
      'Chase {first} for documents',
    ],
  },
  { type: 'meeting', weight: 8, titles: ['Book a site visit with {first}', 'Prepare meeting with {first}'] },
  { type: 'demo', weight: 5, titles: ['{product} demo for {first}'] },
  {
    type: 'proposal',
    weight: 8,
    titles: ['Send {product} proposal to {first}', 'Revise the quote for {first}'],
  },
  { type: 'other', weight: 4, titles: ['Update {first}’s details', 'Check financing options for {first}'] },
];
const TASK_NOTES = [
  'Asked to be called in the morning.',
  'Wants a comparison with last year’s quote.',
  'Decision expected after the board meeting.',
  'Prefers email; keep it short.',
  null,
  null,
];
const PRIORITY_WEIGHTS = [20, 45, 25, 10]; // low, medium, high, urgent
const PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const;
/** Reminders already due (not yet sent) per member. */
const REMINDERS_DUE = 3;

const APPOINTMENT_TITLES = [
  'Site survey',
  'Product demo',
  'Quote walkthrough',
  'Consultation',
  'Design review',
];
const LOCATIONS = ['On site', 'Video call', 'Showroom', 'Phone', 'Customer office'];
const OUTCOME_NOTES: Record<string, string[]> = {
  quoted: [
    'Walked through the {product} options; sent the quote the same day.',
    'Measured up and quoted two configurations.',
  ],
  follow_up: [
    'Interested, needs to discuss {product} with their partner.',
    'Wants to see financing before deciding.',
  ],
  not_interested: ['Decided to postpone the project indefinitely.', 'Went with a cheaper local installer.'],
  other: ['Useful conversation; scope still unclear.'],
};
const OBJECTIONS = [
  'Price is above budget',
  'Worried about installation disruption',
  'Wants references from nearby customers',
  'Timing: after the holidays',
  'Comparing with two other quotes',
];

const money = (v: number) => new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(v);

/** FNV-1a of a string: a lead's stable generator seed (with the demo's seed). */
function hashOf(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const fill = (s: string, v: Record<string, string>) => s.replace(/\{(\w+)\}/g, (_, k: string) => v[k] ?? '');

type LeadForWork = {
  id: string;
  contact_id: string;
  owner_id: string | null;
  status: string;
  product_interest: string | null;
  deal_value: string | null;
  board_rank: string;
  created_ms: number;
  entered_ms: number;
  first_name: string | null;
  last_name: string | null;
};

/** A uuid v7 (time-ordered, like newId) made in SQL, for rows written by INSERT … SELECT. */
const SQL_UUID7 = sql.raw(
  `encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid()) placing substring(int8send(floor(extract(epoch from clock_timestamp()) * 1000)::bigint) from 3) from 1 for 6), 52, 1), 53, 1), 'hex')::uuid`,
);

/** The demo's scoring rules (demographic, behavioural, engagement, progression). */
export const DEMO_SCORING_RULES = [
  {
    name: 'Decision-maker job title',
    category: 'demographic',
    points: 15,
    conditions: {
      any: [
        { field: 'jobTitle', op: 'contains', value: 'Director' },
        { field: 'jobTitle', op: 'in', value: ['Owner', 'CFO'] },
      ],
    },
  },
  {
    name: 'Project worth $50k or more',
    category: 'demographic',
    points: 10,
    conditions: { all: [{ field: 'dealValue', op: 'gte', value: 50000 }] },
  },
  {
    name: 'Referred by a partner or customer',
    category: 'behavioural',
    points: 20,
    conditions: { all: [{ field: 'source', op: 'in', value: ['referral', 'partner'] }] },
  },
  {
    name: 'Called in the last 30 days',
    category: 'engagement',
    points: 15,
    conditions: { all: [{ field: 'activities.call.last_30d', op: 'gte', value: 1 }] },
  },
  {
    name: 'Met in person',
    category: 'engagement',
    points: 10,
    conditions: { all: [{ field: 'activities.meeting.count', op: 'gte', value: 1 }] },
  },
  {
    name: 'Qualified or in proposal',
    category: 'progression',
    points: 25,
    conditions: { all: [{ field: 'status', op: 'in', value: ['qualified', 'proposal'] }] },
  },
];

export async function generateDemoWork(
  tx: Db,
  o: DemoWorkOptions,
): Promise<{ counts: DemoWorkCounts; seconds: { work: number; scores: number } }> {
  const t0 = performance.now();
  const ws = o.workspaceId;
  const ctx = systemCtx(ws, o.members[0]!.id);
  const progress = o.onProgress ?? (() => {});
  const NOW = o.now;
  const today = Math.floor(NOW / DAY) * DAY; // UTC midnight
  const byRole = (role: DemoWorkMember['role']) => o.members.filter((m) => m.role === role);
  const owner = o.members[0]!;
  const manager = byRole('manager')[0] ?? owner;
  const reps = byRole('rep');
  if (reps.length < 2) throw new AppError('internal', 'The demo team needs at least two reps');
  const sales = [manager, ...reps];
  const counts: DemoWorkCounts = {
    teams: 0,
    assignmentRules: 0,
    assignments: 0,
    scoringRules: 0,
    scoresChanged: 0,
    tasks: 0,
    openTasks: 0,
    appointments: 0,
    activities: 0,
  };
  const setupAt = iso(NOW - 200 * DAY);

  // ---- Teams and capacity: Inbound are the reps; Field sales the manager, the owner and the last rep.
  const inbound = { id: newId(), name: 'Inbound', members: reps };
  const field = { id: newId(), name: 'Field sales', members: [owner, manager, reps[reps.length - 1]!] };
  for (const [t, description] of [
    [inbound, 'Web and ads leads, shared in rotation'],
    [field, 'Site visits, partners and large projects'],
  ] as const) {
    await tx.execute(sql`insert into teams (workspace_id, id, name, description, created_at, updated_at)
      values (${ws}, ${t.id}, ${t.name}, ${description}, ${setupAt}, ${setupAt})`);
    for (const m of t.members)
      await tx.execute(sql`insert into team_members (workspace_id, team_id, user_id, created_at)
        values (${ws}, ${t.id}, ${m.id}, ${setupAt})`);
    counts.teams++;
  }
  // One rep is on holiday (paused); another takes at most a few more open leads than they hold now.
  const holiday = reps[reps.length - 1]!;
  const capped = reps[0]!;
  await tx.execute(sql`insert into member_capacity (workspace_id, user_id, paused, max_open, max_per30d, updated_at)
    values (${ws}, ${holiday.id}, true, null, null, ${iso(NOW - 3 * DAY)})`);
  await tx.execute(sql`insert into member_capacity (workspace_id, user_id, paused, max_open, max_per30d, updated_at)
    select ${ws}, ${capped.id}, false, count(*)::int + 25, null, ${iso(NOW - 10 * DAY)}::timestamptz
    from leads where workspace_id = ${ws} and owner_id = ${capped.id} and deleted_at is null
      and status in ('new', 'contacted', 'qualified', 'proposal')`);

  // ---- Assignment rules and the fallback owner.
  const inboundIds = inbound.members.map((m) => m.id).sort(); // rotation order: by user id
  const rules = [
    {
      id: newId(),
      name: 'Website and ads → Inbound rotation',
      type: 'round_robin',
      userIds: [] as string[],
      teamId: inbound.id as string | null,
      conditions: { all: [{ field: 'source', op: 'in', value: ['website', 'google_ads'] }] },
      priority: 10,
      active: true,
    },
    {
      id: newId(),
      name: `Partners and referrals → ${manager.name}`,
      type: 'specific_user',
      userIds: [manager.id],
      teamId: null,
      conditions: { all: [{ field: 'source', op: 'in', value: ['partner', 'referral'] }] },
      priority: 20,
      active: true,
    },
    {
      id: newId(),
      name: 'Trade show leads → least loaded in Field sales (example)',
      type: 'least_loaded',
      userIds: [] as string[],
      teamId: field.id,
      conditions: { all: [{ field: 'source', op: 'eq', value: 'trade_show' }] },
      priority: 30,
      active: false,
    },
  ];
  for (const r of rules)
    await tx.execute(sql`insert into assignment_rules (workspace_id, id, name, type, user_ids, team_id, conditions,
        priority, active, created_by, created_at, updated_at)
      values (${ws}, ${r.id}, ${r.name}, ${r.type}, ${`{${r.userIds.join(',')}}`}::uuid[], ${r.teamId},
        ${JSON.stringify(r.conditions)}::jsonb, ${r.priority}, ${r.active}, ${manager.id}, ${setupAt}, ${setupAt})`);
  counts.assignmentRules = rules.length;
  await tx.execute(sql`update workspaces set assignment_fallback_user_id = ${manager.id} where id = ${ws}`);

  // ---- Assignment history: one row per owned lead, to its current owner (set-based). Web and ads leads
  // of an Inbound member came by the rotation; partner and referral leads of the manager by their rule;
  // leads someone entered by hand were theirs on creation; the rest the manager handed out.
  const [rr, su] = [rules[0]!, rules[1]!];
  const inboundArr = `{${inboundIds.join(',')}}`;
  const res = await tx.execute(sql`insert into lead_assignments
      (workspace_id, id, lead_id, from_user_id, to_user_id, reason, rule_id, details, assigned_by, created_at)
    select l.workspace_id, ${SQL_UUID7}, l.id, null, l.owner_id, x.reason,
      case x.reason when 'rule' then x.rule_id end,
      case
        when x.rule_id = ${rr.id}::uuid then jsonb_build_object('ruleName', ${rr.name}::text, 'type', 'round_robin',
          'position', array_position(${inboundArr}::uuid[], l.owner_id), 'of', ${inboundIds.length}::int,
          'teamId', ${inbound.id}::text, 'demo', true)
        when x.rule_id = ${su.id}::uuid then jsonb_build_object('ruleName', ${su.name}::text, 'type', 'specific_user',
          'position', 1, 'of', 1, 'demo', true)
        when x.reason = 'create' then jsonb_build_object('demo', true)
        else jsonb_build_object('note', 'Assigned by hand', 'demo', true)
      end,
      case x.reason when 'rule' then null when 'create' then l.created_by else ${manager.id}::uuid end,
      l.created_at + interval '1 second'
    from leads l
    cross join lateral (select
      case
        when l.source in ('website', 'google_ads') and l.owner_id = any(${inboundArr}::uuid[]) then ${rr.id}::uuid
        when l.source in ('partner', 'referral') and l.owner_id = ${manager.id}::uuid then ${su.id}::uuid
      end as rule_id) r
    cross join lateral (select r.rule_id,
      case when r.rule_id is not null then 'rule' when l.created_by is not null then 'create' else 'manual' end
        as reason) x
    where l.workspace_id = ${ws} and l.owner_id is not null
    returning rule_id`);
  const assigned = rowsOf<{ rule_id: string | null }>(res);
  counts.assignments = assigned.length;
  const rrCount = assigned.filter((a) => a.rule_id === rr.id).length;
  await tx.execute(
    sql`update assignment_rules set rr_counter = ${rrCount} where workspace_id = ${ws} and id = ${rr.id}`,
  );

  // ---- Tasks and appointments, per batch of leads (by id).
  const [{ n: totalLeads } = { n: 0 }] = rowsOf<{ n: number }>(
    await tx.execute(sql`select count(*)::int as n from leads where workspace_id = ${ws}`),
  );
  const batch = Math.max(100, Math.min(o.batchSize, 10_000));
  let after: string | null = null;
  let done = 0;
  const dueReminders = new Map<string, number>();
  progress('work', 0, totalLeads);
  for (;;) {
    const leadRows: LeadForWork[] = rowsOf<LeadForWork>(
      await tx.execute(sql`select l.id, l.contact_id, l.owner_id, l.status, l.product_interest, l.deal_value,
          l.board_rank, (extract(epoch from l.created_at) * 1000)::float8 as created_ms,
          (extract(epoch from l.stage_entered_at) * 1000)::float8 as entered_ms, c.first_name, c.last_name
        from leads l join contacts c on c.workspace_id = l.workspace_id and c.id = l.contact_id
        where l.workspace_id = ${ws} ${after ? sql`and l.id > ${after}::uuid` : sql``}
        order by l.id limit ${batch}`),
    );
    if (!leadRows.length) break;
    const taskRows: Record<string, unknown>[] = [];
    const apptRows: Record<string, unknown>[] = [];
    const acts: Record<string, unknown>[] = [];
    for (const l of leadRows) {
      const rand = new Rand((o.seed ^ hashOf(l.board_rank)) >>> 0);
      const created = Number(l.created_ms);
      const entered = Number(l.entered_ms);
      const open =
        l.status === 'new' || l.status === 'contacted' || l.status === 'qualified' || l.status === 'proposal';
      const vars = {
        first: l.first_name ?? 'the customer',
        last: l.last_name ?? '',
        // Lower-case words, acronyms kept: "Fleet EV Charging" → "fleet EV charging".
        product: (l.product_interest ?? 'the project').replace(/\b([A-Z])(?=[a-z])/g, (c) => c.toLowerCase()),
      };
      const assignee = () => l.owner_id ?? rand.pick(sales).id;
      // Tasks: about 30% of open leads have one (a few two).
      const nTasks = open && rand.chance(0.3) ? (rand.chance(0.12) ? 2 : 1) : 0;
      for (let k = 0; k < nTasks; k++) {
        const kind = TASK_KINDS[rand.weighted(TASK_KINDS.map((t) => t.weight))]!;
        const title = fill(rand.pick(kind.titles), vars).trim();
        const who = assignee();
        // overdue 25%, today 15%, upcoming 45%, completed 15%
        let bucket = rand.weighted([25, 15, 45, 15]);
        let due: number;
        if (bucket === 0 || bucket === 3) {
          due = NOW - rand.int(1, 240) * HOUR;
          if (due < created + HOUR) {
            due = created + HOUR;
            if (due >= NOW) bucket = 2;
          }
        }
        if (bucket === 1) due = today + rand.int(8 * 60, 18 * 60) * 60_000;
        else if (bucket === 2) due = today + DAY + rand.int(0, 20) * DAY + rand.int(8 * 60, 18 * 60) * 60_000;
        due = due!;
        const createdAt = Math.min(NOW - 60_000, Math.max(created + 60_000, due - rand.int(1, 7) * DAY));
        const completed = bucket === 3;
        const completedAt = completed
          ? Math.min(NOW - 60_000, Math.max(createdAt + HOUR, due + rand.int(-24, 24) * HOUR))
          : null;
        // Reminders: half of today's tasks and some of tomorrow's remind an hour or three before; a few
        // per member (at most REMINDERS_DUE) are due already and unsent: the reminder job sends them.
        let remindAt: number | null = null;
        if (!completed && bucket === 1 && rand.chance(0.5)) {
          const early = rand.int(5, 90) * 60_000;
          remindAt = due - (rand.chance(0.5) ? HOUR : 3 * HOUR);
          if ((dueReminders.get(who) ?? 0) < REMINDERS_DUE) {
            dueReminders.set(who, (dueReminders.get(who) ?? 0) + 1);
            remindAt = Math.min(remindAt, NOW - early);
          } else if (remindAt <= NOW) remindAt = null;
        } else if (!completed && bucket === 2 && due < today + 2 * DAY && rand.chance(0.4))
          remindAt = due - (rand.chance(0.5) ? HOUR : 3 * HOUR);
        const id = newId();
        taskRows.push({
          id,
          title,
          description: rand.pick(TASK_NOTES),
          type: kind.type,
          priority: PRIORITIES[rand.weighted(PRIORITY_WEIGHTS)],
          status: completed ? 'completed' : rand.chance(0.1) ? 'in_progress' : 'pending',
          due_at: iso(due),
          remind_at: remindAt === null ? null : iso(remindAt),
          assignee_id: who,
          lead_id: l.id,
          contact_id: l.contact_id,
          completed_at: completedAt === null ? null : iso(completedAt),
          completed_by: completed ? who : null,
          created_by: who,
          created_at: iso(createdAt),
          updated_at: iso(completedAt ?? createdAt),
        });
        if (!completed) counts.openTasks++;
        else
          acts.push({
            id: newId(),
            type: 'task',
            lead_id: l.id,
            contact_id: l.contact_id,
            user_id: who,
            subject: `Completed: ${title}`,
            occurred_at: iso(completedAt!),
            metadata: { taskId: id, taskType: kind.type, demo: true },
            created_at: iso(completedAt!),
            updated_at: iso(completedAt!),
          });
      }

      // Appointments: a quarter of qualified and proposal leads (about 5% of all leads).
      if ((l.status === 'qualified' || l.status === 'proposal') && rand.chance(0.25)) {
        const who = assignee();
        const title = rand.pick(APPOINTMENT_TITLES);
        const duration = rand.pick([30, 45, 60, 60, 90]);
        const location = rand.pick(LOCATIONS);
        const value = Number(l.deal_value ?? 0) || rand.int(20, 400) * 100;
        const plan = (scheduledAt: number, past: boolean) => {
          const id = newId();
          const bookedAt = Math.max(
            created + 60_000,
            Math.min(NOW - 60_000, scheduledAt - rand.int(2, 14) * DAY),
          );
          const row: Record<string, unknown> = {
            id,
            lead_id: l.id,
            contact_id: l.contact_id,
            title,
            scheduled_at: iso(scheduledAt),
            duration_minutes: duration,
            location,
            assignee_id: who,
            status: 'scheduled',
            created_by: who,
            created_at: iso(bookedAt),
            updated_at: iso(bookedAt),
          };
          const act = (
            type: string,
            at: number,
            subject: string,
            metadata: Record<string, unknown>,
            extra: Record<string, unknown> = {},
          ) =>
            acts.push({
              id: newId(),
              type,
              lead_id: l.id,
              contact_id: l.contact_id,
              user_id: who,
              subject,
              occurred_at: iso(at),
              metadata: { ...metadata, appointmentId: id, demo: true },
              created_at: iso(at),
              updated_at: iso(at),
              ...extra,
            });
          act('system', bookedAt, `Appointment scheduled: ${title} for ${whenText(new Date(scheduledAt))}`, {
            event: 'scheduled',
            scheduledAt: iso(scheduledAt),
            durationMinutes: duration,
            assigneeId: who,
          });
          if (past) {
            const status = ['completed', 'no_show', 'cancelled'][rand.weighted([80, 12, 8])]!;
            const recordedAt = Math.min(
              NOW - 60_000,
              scheduledAt + duration * 60_000 + rand.int(1, 20) * HOUR,
            );
            row.status = status;
            row.updated_at = iso(recordedAt);
            if (status === 'completed') {
              const result = ['quoted', 'follow_up', 'not_interested', 'other'][
                rand.weighted([50, 30, 10, 10])
              ]!;
              const notes = fill(rand.pick(OUTCOME_NOTES[result]!), vars);
              const objections = rand.chance(0.55) ? rand.pick(OBJECTIONS) : null;
              const quote =
                result === 'quoted' ? Math.round((value * (0.8 + 0.4 * rand.next())) / 50) * 50 : null;
              const next = result === 'follow_up' ? scheduledAt + rand.int(5, 14) * DAY : null;
              Object.assign(row, {
                result,
                outcome_notes: notes,
                objections,
                quote_value: quote === null ? null : quote.toFixed(2),
                next_contact_at: next === null ? null : iso(next),
              });
              const body = [
                notes,
                objections ? `Objections: ${objections}` : null,
                quote !== null ? `Quote: ${money(quote)}` : null,
                next !== null ? `Next contact: ${whenText(new Date(next))}` : null,
              ]
                .filter(Boolean)
                .join('\n');
              act(
                'meeting',
                scheduledAt,
                `Appointment held: ${title} (${result.replace(/_/g, ' ')})`,
                {
                  event: 'completed',
                  status,
                  result,
                  quoteValue: row.quote_value,
                  nextContactAt: row.next_contact_at,
                  scheduledAt: iso(scheduledAt),
                  followUpTaskId: null,
                },
                { body, outcome: result, duration_minutes: duration },
              );
            } else
              act(
                'system',
                recordedAt,
                status === 'no_show'
                  ? `Appointment missed (no-show): ${title}`
                  : `Appointment cancelled: ${title}`,
                { event: status, status, scheduledAt: iso(scheduledAt) },
              );
          }
          apptRows.push(row);
        };
        const from = Math.max(entered, created) + DAY;
        const hasPast = from < NOW - 2 * DAY && rand.chance(0.6);
        if (hasPast) plan(from + (NOW - DAY - from) * rand.next(), true);
        if (!hasPast || rand.chance(0.3)) plan(today + rand.int(0, 21) * DAY + rand.int(9, 17) * HOUR, false);
      }
    }
    await insertRows(tx, ws, 'tasks', TASK_COLS, taskRows);
    await insertRows(tx, ws, 'appointments', APPOINTMENT_COLS, apptRows);
    await insertRows(tx, ws, 'activities', ACTIVITY_COLS, acts);
    counts.tasks += taskRows.length;
    counts.appointments += apptRows.length;
    counts.activities += acts.length;
    done += leadRows.length;
    progress('work', done, totalLeads);
    if (leadRows.length < batch) break;
    after = leadRows[leadRows.length - 1]!.id;
  }

  // ---- Scoring rules, then every lead's score from them (the scoring module's set-based recompute).
  const scoring = DEMO_SCORING_RULES;
  for (const r of scoring)
    await tx.execute(sql`insert into scoring_rules (workspace_id, id, name, category, conditions, points, active,
        created_by, created_at, updated_at)
      values (${ws}, ${newId()}, ${r.name}, ${r.category}, ${JSON.stringify(r.conditions)}::jsonb, ${r.points}, true,
        ${manager.id}, ${setupAt}, ${setupAt})`);
  counts.scoringRules = scoring.length;
  invalidateRuleSet(ws);
  const set = await loadRuleSet(tx, ctx);
  if (set.rules.length !== scoring.length)
    throw new AppError('internal', 'A demo scoring rule does not bind to the lead fields; nothing was saved');
  // Fresh statistics for the new rows: the recompute's activity counts get good plans.
  await tx.execute(sql.raw(`analyze ${DEMO_WORK_TABLES.join(', ')}, activities`));
  const t1 = performance.now();
  after = null;
  done = 0;
  progress('scores', 0, totalLeads);
  for (;;) {
    const ids: string[] = rowsOf<{ id: string }>(
      await tx.execute(sql`select id from leads where workspace_id = ${ws} ${after ? sql`and id > ${after}::uuid` : sql``}
        order by id limit ${batch}`),
    ).map((r) => r.id);
    if (!ids.length) break;
    counts.scoresChanged += await recomputeLeads(tx, ctx, set, ids, new Date(NOW));
    done += ids.length;
    progress('scores', done, totalLeads);
    if (ids.length < batch) break;
    after = ids[ids.length - 1]!;
  }
  return {
    counts,
    seconds: { work: (t1 - t0) / 1000, scores: (performance.now() - t1) / 1000 },
  };
}
