import { z } from 'zod';
import { recordMetaOut, zDate, zId, zMoney, zMoneyOut } from '../shared/records.js';

const costIn = z
  .strictObject({
    periodStart: zDate.describe('First day the money was spent on (inclusive)'),
    periodEnd: zDate.describe('Last day (inclusive)'),
    amount: zMoney.unwrap().describe('Amount spent over the period, in the workspace currency'),
    note: z.string().trim().max(500).nullable().optional(),
  })
  .refine((c) => c.periodEnd >= c.periodStart, { path: ['periodEnd'], message: 'is before periodStart' })
  .refine((c) => !String(c.amount).startsWith('-'), { path: ['amount'], message: 'must not be negative' });

export const campaignCreate = z.strictObject({
  name: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .describe("The campaign's name, as leads carry it in `campaign` (matched case-insensitively)"),
  source: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .nullable()
    .optional()
    .describe('The lead source its spend counts towards in the sources report'),
  description: z.string().trim().max(2000).nullable().optional(),
  costs: z
    .array(costIn)
    .max(1000)
    .default([])
    .describe('Spend per period; reports prorate each period by day over the report range'),
});
export const campaignUpdate = z.strictObject({
  name: campaignCreate.shape.name.optional(),
  source: campaignCreate.shape.source,
  description: campaignCreate.shape.description,
  costs: z.array(costIn).max(1000).optional().describe('The full list of costs (replaces the current one)'),
});
export const campaignCostOut = z.object({
  id: zId,
  periodStart: z.string(),
  periodEnd: z.string(),
  amount: z.string(),
  note: z.string().nullable(),
});
export const campaignOut = z.object({
  id: zId,
  name: z.string(),
  source: z.string().nullable(),
  description: z.string().nullable(),
  costs: z.array(campaignCostOut),
  totalCost: zMoneyOut.describe('Sum of all cost periods'),
  ...recordMetaOut,
});
export type CampaignCreate = z.infer<typeof campaignCreate>;
export type CampaignUpdate = z.infer<typeof campaignUpdate>;
export type CampaignOut = z.infer<typeof campaignOut>;
