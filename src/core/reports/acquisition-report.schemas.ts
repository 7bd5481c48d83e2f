import { z } from 'zod';
import { zId } from '../shared/records.js';
import { drillOut, reportFilterShape, reportFormat } from './report-filters.js';

export const acquisitionQuery = z.strictObject({ ...reportFilterShape, format: reportFormat });

const rate = z.number().nullable().describe('A fraction 0..1; null when there is nothing to divide by');
const money = z.string().describe('Decimal amount as a string (exact)');
const moneyOrNull = z.string().nullable();

const figures = {
  leads: z.number().int().describe('Leads created in the range'),
  qualified: z
    .number()
    .int()
    .describe('Of those, leads whose stage history reached a qualified, proposal or won stage'),
  won: z.number().int().describe('Of those, leads now won'),
  lost: z.number().int().describe('Of those, leads now lost'),
  conversionRate: rate.describe('won / leads'),
  wonValue: money.describe('Deal value of the won leads'),
  medianDaysToWin: z.number().nullable().describe("Median days from a won lead's creation to its win"),
  cost: moneyOrNull.describe(
    'Campaign spend in the range (cost periods prorated by day); null when no costs are entered or when an owner, team or pipeline filter is on (spend is not split by owner or pipeline)',
  ),
  costPerLead: moneyOrNull,
  costPerWonLead: moneyOrNull,
};
const drills = z.object({ leads: drillOut, qualified: drillOut, won: drillOut });

export const sourceRowOut = z.object({
  source: z.string().nullable().describe('The source; null for leads without one (or with an empty one)'),
  ...figures,
  drills,
});
export const campaignRowOut = z.object({
  campaign: z
    .string()
    .nullable()
    .describe("The campaign name (the campaign record's, else as leads carry it)"),
  campaignId: zId.nullable().describe('The campaign record matching the name, if any'),
  source: z.string().nullable().describe("The campaign record's source"),
  ...figures,
  drills,
});
const totals = z.object(figures);

export const sourcesOut = z.object({
  data: z.array(sourceRowOut),
  totals,
  costsApplicable: z.boolean().describe('False when an owner, team or pipeline filter hides spend'),
});
export const campaignsReportOut = z.object({
  data: z.array(campaignRowOut),
  totals,
  costsApplicable: z.boolean(),
});
export type SourceRow = z.infer<typeof sourceRowOut>;
export type CampaignRow = z.infer<typeof campaignRowOut>;
export type SourcesOut = z.infer<typeof sourcesOut>;
export type CampaignsReportOut = z.infer<typeof campaignsReportOut>;
export type AcquisitionFigures = z.infer<typeof totals>;
