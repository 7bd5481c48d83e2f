import { z } from 'zod';
import { customFieldsIn, customFieldsOut } from '../custom-fields/custom-fields.schemas.js';
import { recordMetaOut, zExternalId, zId, zMoney, zMoneyOut, zText } from '../shared/records.js';

export const ACCOUNT_TYPES = ['customer', 'prospect', 'partner', 'competitor', 'reseller'] as const;
export const ACCOUNT_HEALTH = ['green', 'yellow', 'red', 'black'] as const;

export const accountAddress = z
  .strictObject({
    street1: zText().optional(),
    street2: zText().optional(),
    city: zText(100).optional(),
    state: zText(100).optional(),
    postcode: zText(20).optional(),
    country: zText(100).optional(),
  })
  .nullable();

const accountFields = {
  externalId: zExternalId,
  name: z.string().trim().min(1, 'is required').max(200).describe('Company name'),
  domain: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^(?!-)[a-z0-9-]+(\.[a-z0-9-]+)+$/, 'must be a domain such as example.com')
    .max(253)
    .nullable()
    .describe('Web domain, e.g. acme.com; used to match accounts on conversion'),
  website: z.url().max(500).nullable(),
  phone: zText(50),
  accountType: z.enum(ACCOUNT_TYPES).nullable(),
  industry: zText(100),
  companySize: zText(50).describe('Employee count range, e.g. 51-200'),
  annualRevenue: zMoney,
  taxId: zText(50).describe('Tax id, e.g. GSTIN'),
  health: z.enum(ACCOUNT_HEALTH).nullable(),
  lifecycleStage: zText(50),
  description: zText(5000),
  address: accountAddress,
  ownerId: zId.nullable().describe('User id of the owner (a member of the workspace)'),
  customFields: customFieldsIn,
};

export const accountCreate = z
  .strictObject(accountFields)
  .partial()
  .required({ name: true })
  .describe('A new account');
export const accountUpdate = z
  .strictObject(accountFields)
  .partial()
  .describe('Fields to change; absent fields stay as they are, null clears');

export const accountOut = z
  .object({
    id: zId,
    externalId: z.string().nullable(),
    name: z.string(),
    domain: z.string().nullable(),
    website: z.string().nullable(),
    phone: z.string().nullable(),
    accountType: z.enum(ACCOUNT_TYPES).nullable(),
    industry: z.string().nullable(),
    companySize: z.string().nullable(),
    annualRevenue: zMoneyOut,
    taxId: z.string().nullable(),
    health: z.enum(ACCOUNT_HEALTH).nullable(),
    lifecycleStage: z.string().nullable(),
    description: z.string().nullable(),
    address: z.record(z.string(), z.string().nullable()).nullable(),
    ownerId: z.string().nullable(),
    createdBy: z.string().nullable(),
    customFields: customFieldsOut,
    ...recordMetaOut,
  })
  .describe('An account (a company). Accounts are archived (soft-deleted), never hard-deleted.');

export type AccountCreate = z.infer<typeof accountCreate>;
export type AccountUpdate = z.infer<typeof accountUpdate>;
export type AccountOut = z.infer<typeof accountOut>;
