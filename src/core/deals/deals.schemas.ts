import { z } from 'zod';
import { customFieldsIn, customFieldsOut } from '../custom-fields/custom-fields.schemas.js';
import { recordMetaOut, zDate, zExternalId, zId, zMoney, zMoneyOut, zText } from '../shared/records.js';

export const FORECAST_CATEGORIES = ['pipeline', 'best_case', 'commit', 'closed', 'omitted'] as const;

const dealFields = {
  externalId: zExternalId,
  name: z.string().trim().min(1, 'is required').max(200),
  accountId: zId.nullable(),
  primaryContactId: zId.nullable(),
  originLeadId: zId.nullable().describe('The lead this deal came from'),
  amount: zMoney,
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD')
    .describe('Currency; the workspace currency when absent'),
  pipelineId: zId.describe('Pipeline; the default pipeline when absent'),
  stageId: zId.describe("Stage; the pipeline's first open stage when absent"),
  forecastCategory: z.enum(FORECAST_CATEGORIES).nullable(),
  closeDate: zDate.nullable(),
  ownerId: zId.nullable(),
  description: zText(5000),
  customFields: customFieldsIn,
};

export const dealCreate = z
  .strictObject(dealFields)
  .partial()
  .required({ name: true })
  .describe('A new deal');
export const dealUpdate = z
  .strictObject(dealFields)
  .partial()
  .describe('Fields to change; absent stay, null clears');

export const dealOut = z
  .object({
    id: zId,
    externalId: z.string().nullable(),
    name: z.string(),
    accountId: z.string().nullable(),
    primaryContactId: z.string().nullable(),
    originLeadId: z.string().nullable(),
    amount: zMoneyOut,
    currency: z.string(),
    pipelineId: zId,
    stageId: zId,
    stageName: z.string(),
    stageType: z.enum(['open', 'won', 'lost']),
    probability: z.number().int().describe("The stage's win probability, percent"),
    forecastCategory: z.enum(FORECAST_CATEGORIES).nullable(),
    closeDate: z.string().nullable(),
    ownerId: z.string().nullable(),
    description: z.string().nullable(),
    createdBy: z.string().nullable(),
    customFields: customFieldsOut,
    ...recordMetaOut,
  })
  .describe('An opportunity after conversion');

export type DealCreate = z.infer<typeof dealCreate>;
export type DealUpdate = z.infer<typeof dealUpdate>;
export type DealOut = z.infer<typeof dealOut>;
