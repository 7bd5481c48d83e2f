import { z } from 'zod';
import { drillOut, reportFilterShape, reportFormat } from './report-filters.js';

export const teamReportQuery = z.strictObject({ ...reportFilterShape, format: reportFormat });
export type TeamReportQuery = z.infer<typeof teamReportQuery>;

const count = z.number().int().min(0);
const money = z
  .string()
  .regex(/^-?\d+\.\d{2}$/)
  .describe('Money as a decimal string, e.g. "12500.00"');

const activityCounts = z
  .object({ call: count, email: count, meeting: count, note: count, sms: count, total: count })
  .describe('Activities the user logged that occurred in the range, by type');

const rowFields = {
  name: z.string(),
  activities: activityCounts,
  firstResponse: z
    .object({
      medianHours: z
        .number()
        .nullable()
        .describe(
          "Median hours from a lead's creation to its first call, email, meeting, note or SMS (by anyone); null when none responded",
        ),
      respondedLeads: count.describe('Leads created in the range that have such an activity'),
      waitingLeads: count.describe('Leads created in the range without one yet'),
    })
    .describe('Over the leads owned, created in the range'),
  openLeads: count.describe('Leads owned, created in the range, open now (not won or lost)'),
  wins: count.describe('Leads owned that are won now and entered their won stage in the range'),
  losses: count.describe('Leads owned that are lost now and entered their lost stage in the range'),
  winRate: z.number().min(0).max(1).nullable().describe('wins / (wins + losses); null when both are 0'),
  wonValue: money.describe('Sum of the deal values of the wins'),
  drills: z.object({
    activities: z.object({
      call: drillOut,
      email: drillOut,
      meeting: drillOut,
      note: drillOut,
      sms: drillOut,
      total: drillOut,
    }),
    respondedLeads: drillOut,
    waitingLeads: drillOut,
    openLeads: drillOut,
    wins: drillOut,
    losses: drillOut,
  }),
};

export const teamReportRow = z.object(rowFields);
export const teamReportOut = z.object({
  range: z.object({ from: z.string().nullable(), to: z.string().nullable() }),
  owners: z.array(
    z.object({
      ownerId: z.string().nullable().describe('Null: the unassigned leads (and activities without a user)'),
      removed: z.boolean().describe('A member who was removed from the workspace (their records remain)'),
      ...rowFields,
    }),
  ),
  teams: z.array(
    z.object({
      teamId: z.string(),
      memberIds: z.array(z.string()).describe("The members counted (the team's members within the filters)"),
      ...rowFields,
    }),
  ),
  totals: teamReportRow,
});
export type TeamReport = z.infer<typeof teamReportOut>;
export type TeamReportRow = z.infer<typeof teamReportRow>;
