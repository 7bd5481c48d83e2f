import { z } from 'zod';
import { contactFields } from '../contacts/contacts.schemas.js';
import { customFieldsIn, customFieldsOut } from '../custom-fields/custom-fields.schemas.js';
import { LEAD_CONTACT_ROLES, LEAD_STATUSES } from '../db/schema/index.js';
import {
  recordMetaOut,
  zDate,
  zExternalId,
  zId,
  zMoney,
  zMoneyOut,
  zText,
  zTimestamp,
} from '../shared/records.js';

export const PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const;
export const TEMPERATURES = ['cold', 'warm', 'hot'] as const;
export const MARKETING_STAGES = ['awareness', 'consideration', 'decision'] as const;
export const VALIDATION_STATUSES = ['unverified', 'valid', 'invalid'] as const;

const address = z
  .strictObject({
    street1: zText().optional(),
    street2: zText().optional(),
    city: zText(100).optional(),
    state: zText(100).optional(),
    postcode: zText(20).optional(),
    country: zText(100).optional(),
  })
  .nullable()
  .describe("The contact's first address");

/** Flat contact fields on a lead: read from and written to the lead's contact. */
export const leadContactFields = {
  firstName: contactFields.firstName,
  lastName: contactFields.lastName,
  email: contactFields.email,
  phone: contactFields.phone,
  company: zText().describe("The contact's company name"),
  jobTitle: contactFields.jobTitle,
  address,
  contactCustomFields: customFieldsIn.describe(
    "The contact's custom fields (contact-level, shared by all its leads): written to the contact; keys merge, null removes",
  ),
};

export const leadFields = {
  externalId: zExternalId,
  title: zText().describe('What the lead is about, e.g. "Kitchen remodel"'),
  productInterest: zText().describe('Product or service of interest'),
  source: zText(100).describe('website, referral, partner, ads, …'),
  campaign: zText(200),
  medium: zText(100),
  term: zText(200),
  referrer: zText(1000),
  landingPage: zText(1000),
  formName: zText(200),
  pipelineId: zId.describe('Pipeline; the default pipeline when absent'),
  stageId: zId.describe("Stage; the pipeline's first stage when absent"),
  status: z
    .enum(LEAD_STATUSES)
    .describe(
      "Status is derived from the stage; setting it moves the lead to the pipeline's stage with that status",
    ),
  priority: z.enum(PRIORITIES),
  temperature: z.enum(TEMPERATURES).nullable(),
  ownerId: zId.nullable().describe('Owner (a member of the workspace)'),
  budgetRange: zText(100),
  authorityLevel: zText(100),
  timeline: zText(100),
  dealValue: zMoney,
  expectedCloseDate: zDate.nullable(),
  lostReason: zText(500),
  marketingStage: z.enum(MARKETING_STAGES).nullable(),
  spamScore: z.number().int().min(0).max(100).nullable(),
  validationStatus: z.enum(VALIDATION_STATUSES).nullable(),
  customFields: customFieldsIn.describe(
    'Lead-level custom fields; on update keys merge and null removes a value',
  ),
};

export const leadCreate = z
  .strictObject({
    ...leadFields,
    ...leadContactFields,
    contactId: zId.describe('Start the lead from an existing contact instead of contact fields'),
  })
  .partial()
  .superRefine((v, ctx) => {
    if (!v.contactId && !v.firstName && !v.lastName && !v.email && !v.phone && !v.company)
      ctx.addIssue({
        code: 'custom',
        path: ['contactId'],
        message: 'a lead needs a contact: give contactId, or a name, email, phone or company',
      });
  })
  .describe(
    'A new lead. With contact fields (firstName, lastName, email, phone, company, …) the contact is found by email or phone, or created, and linked.',
  );

export const leadUpdate = z
  .strictObject({ ...leadFields, ...leadContactFields, contactId: zId })
  .partial()
  .describe("Fields to change. Contact fields are written to the lead's contact.");

export const leadOut = z
  .object({
    id: zId,
    externalId: z.string().nullable(),
    contactId: zId,
    name: z.string().describe("The contact's display name"),
    firstName: z.string().nullable(),
    lastName: z.string().nullable(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    company: z.string().nullable(),
    jobTitle: z.string().nullable(),
    address: z
      .object({
        street1: z.string().nullable(),
        street2: z.string().nullable(),
        city: z.string().nullable(),
        state: z.string().nullable(),
        postcode: z.string().nullable(),
        country: z.string().nullable(),
      })
      .nullable(),
    title: z.string().nullable(),
    productInterest: z.string().nullable(),
    source: z.string().nullable(),
    campaign: z.string().nullable(),
    medium: z.string().nullable(),
    term: z.string().nullable(),
    referrer: z.string().nullable(),
    landingPage: z.string().nullable(),
    formName: z.string().nullable(),
    pipelineId: zId,
    stageId: zId,
    stageName: z.string(),
    status: z.enum(LEAD_STATUSES),
    stageEnteredAt: zTimestamp,
    priority: z.enum(PRIORITIES),
    temperature: z.enum(TEMPERATURES).nullable(),
    ownerId: z.string().nullable(),
    score: z.number().int().describe('0–100: the clamped sum of the scoring rules that hold'),
    scoreReasons: z
      .array(
        z.object({
          ruleId: z.string(),
          name: z.string(),
          points: z.number().int(),
          category: z.string().optional(),
        }),
      )
      .describe('Why the score is what it is: the scoring rules that fired and their points'),
    scoredAt: zTimestamp.nullable(),
    boardRank: z.string().describe('Order within its board column'),
    predictedProbability: z.string().nullable(),
    budgetRange: z.string().nullable(),
    authorityLevel: z.string().nullable(),
    timeline: z.string().nullable(),
    dealValue: zMoneyOut,
    expectedCloseDate: z.string().nullable(),
    lostReason: z.string().nullable(),
    marketingStage: z.enum(MARKETING_STAGES).nullable(),
    spamScore: z.number().int().nullable(),
    validationStatus: z.enum(VALIDATION_STATUSES).nullable(),
    isDuplicate: z.boolean(),
    convertedAt: zTimestamp.nullable(),
    convertedAccountId: z.string().nullable(),
    convertedDealId: z.string().nullable(),
    autoCreatedFromContact: z.boolean(),
    createdBy: z.string().nullable(),
    contactVersion: z.number().int().describe("Version of the lead's contact; part of the lead's ETag"),
    customFields: customFieldsOut.describe('Lead-level custom fields'),
    contactCustomFields: customFieldsOut.describe(
      "The contact's custom fields, inherited (read from the contact)",
    ),
    ...recordMetaOut,
  })
  .describe('A lead: one sales interest of one contact, with the contact fields read from the contact');

export const leadContactIn = z.strictObject({
  contactId: zId,
  role: z.enum(LEAD_CONTACT_ROLES).exclude(['primary']).default('secondary'),
});
export const leadContactOut = z.object({
  contactId: zId,
  role: z.enum(LEAD_CONTACT_ROLES),
  name: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  jobTitle: z.string().nullable(),
});

export type LeadCreate = z.infer<typeof leadCreate>;
export type LeadUpdate = z.infer<typeof leadUpdate>;
export type LeadOut = z.infer<typeof leadOut>;
