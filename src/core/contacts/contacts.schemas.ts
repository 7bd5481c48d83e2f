import { z } from 'zod';
import { customFieldsIn, customFieldsOut } from '../custom-fields/custom-fields.schemas.js';
import { recordMetaOut, zExternalId, zId, zText, zTimestamp } from '../shared/records.js';

export const CONTACT_STATUSES = ['lead', 'prospect', 'active', 'inactive'] as const;
export const ADDRESS_TYPES = ['personal', 'business', 'mailing'] as const;

export const zEmailAddress = z.string().trim().max(254).pipe(z.email('must be an email address'));
export const zPhoneInput = z
  .string()
  .trim()
  .min(3, 'must be a phone number')
  .max(40)
  .regex(/^[+0-9 ().\-/x]+$/i, 'must be a phone number (digits, spaces, + ( ) - .)');

export const emailIn = z.strictObject({
  email: zEmailAddress,
  label: zText(50).optional().describe('e.g. work, home'),
  primary: z.boolean().optional(),
});
export const phoneIn = z.strictObject({
  phone: zPhoneInput.describe(
    'Any format; stored as E.164 using the workspace country when no +code is given',
  ),
  label: zText(50).optional().describe('e.g. mobile, work'),
  primary: z.boolean().optional(),
});
export const addressIn = z.strictObject({
  type: z.enum(ADDRESS_TYPES).default('personal'),
  street1: zText().optional(),
  street2: zText().optional(),
  city: zText(100).optional(),
  state: zText(100).optional(),
  postcode: zText(20).optional(),
  country: zText(100).optional(),
});

/** Contact fields every write accepts (also the flat contact fields of a lead). */
export const contactFields = {
  firstName: zText(100),
  lastName: zText(100),
  email: zEmailAddress.nullable().describe('Primary email (shortcut for the first entry of `emails`)'),
  phone: zPhoneInput.nullable().describe('Primary phone (shortcut for the first entry of `phones`)'),
  emails: z
    .array(emailIn)
    .max(20)
    .describe('All emails; exactly one is primary (the first when none is marked)'),
  phones: z.array(phoneIn).max(20).describe('All phones; exactly one is primary'),
  addresses: z.array(addressIn).max(10),
  companyName: zText().describe('Company as written (before the contact is linked to an account)'),
  jobTitle: zText(),
  department: zText(100),
  role: zText(50).describe('decision_maker, influencer, user, …'),
  preferredChannel: zText(50).describe('email, phone, sms, whatsapp, …'),
  influence: z.enum(['high', 'medium', 'low']).nullable(),
  accountId: zId.nullable(),
  isPrimaryContact: z.boolean(),
  status: z.enum(CONTACT_STATUSES).describe('lead, prospect, active, inactive'),
  source: zText(100),
  gdprConsent: z.boolean(),
  doNotContact: z.boolean(),
  optInAt: zTimestamp.nullable(),
  ownerId: zId.nullable(),
  externalId: zExternalId,
  customFields: customFieldsIn,
};

const base = z.strictObject(contactFields).partial();
const noBoth = (
  v: { email?: unknown; emails?: unknown; phone?: unknown; phones?: unknown },
  ctx: z.RefinementCtx,
) => {
  if (v.email !== undefined && v.emails !== undefined)
    ctx.addIssue({ code: 'custom', path: ['email'], message: 'send either email or emails, not both' });
  if (v.phone !== undefined && v.phones !== undefined)
    ctx.addIssue({ code: 'custom', path: ['phone'], message: 'send either phone or phones, not both' });
};

export const contactCreate = base
  .superRefine(noBoth)
  .superRefine((v, ctx) => {
    if (
      !v.firstName &&
      !v.lastName &&
      !v.email &&
      !v.emails?.length &&
      !v.phone &&
      !v.phones?.length &&
      !v.companyName
    )
      ctx.addIssue({
        code: 'custom',
        path: ['lastName'],
        message: 'a contact needs a name, an email, a phone or a company',
      });
  })
  .describe('A new contact');
export const contactUpdate = base.superRefine(noBoth).describe('Fields to change; absent stay, null clears');

export const contactOut = z
  .object({
    id: zId,
    externalId: z.string().nullable(),
    firstName: z.string().nullable(),
    lastName: z.string().nullable(),
    name: z.string().describe('Display name'),
    email: z.string().nullable().describe('Primary email'),
    phone: z.string().nullable().describe('Primary phone, E.164'),
    emails: z.array(
      z.object({
        email: z.string(),
        normalized: z.string(),
        label: z.string().nullable(),
        primary: z.boolean(),
      }),
    ),
    phones: z.array(
      z.object({ phone: z.string(), e164: z.string(), label: z.string().nullable(), primary: z.boolean() }),
    ),
    addresses: z.array(
      z.object({
        type: z.enum(ADDRESS_TYPES),
        street1: z.string().nullable(),
        street2: z.string().nullable(),
        city: z.string().nullable(),
        state: z.string().nullable(),
        postcode: z.string().nullable(),
        country: z.string().nullable(),
      }),
    ),
    companyName: z.string().nullable(),
    jobTitle: z.string().nullable(),
    department: z.string().nullable(),
    role: z.string().nullable(),
    preferredChannel: z.string().nullable(),
    influence: z.enum(['high', 'medium', 'low']).nullable(),
    accountId: z.string().nullable(),
    isPrimaryContact: z.boolean(),
    status: z.enum(CONTACT_STATUSES),
    source: z.string().nullable(),
    gdprConsent: z.boolean(),
    doNotContact: z.boolean(),
    optInAt: zTimestamp.nullable(),
    isConvertedFromLead: z.boolean(),
    conversionDate: zTimestamp.nullable(),
    ownerId: z.string().nullable(),
    createdBy: z.string().nullable(),
    customFields: customFieldsOut,
    ...recordMetaOut,
  })
  .describe('A person. Contact information lives here and only here.');

export type ContactCreate = z.infer<typeof contactCreate>;
export type ContactUpdate = z.infer<typeof contactUpdate>;
export type ContactOut = z.infer<typeof contactOut>;
