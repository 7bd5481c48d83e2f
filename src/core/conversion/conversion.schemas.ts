import { z } from 'zod';
import { zDate, zId, zMoney, zMoneyOut } from '../shared/records.js';

export const leadConvertIn = z
  .strictObject({
    preview: z
      .boolean()
      .default(false)
      .describe('true: answer what would be created or linked, write nothing'),
    account: z
      .strictObject({
        action: z
          .enum(['match', 'link', 'create', 'none'])
          .default('match')
          .describe(
            "match: the contact's account, else one matched by email domain, else by similar name, else a new one; link: the account `id`; create: a new account; none: no account",
          ),
        id: zId.optional().describe('The account to link (action link)'),
        name: z
          .string()
          .trim()
          .min(1)
          .max(200)
          .optional()
          .describe('Name of a new account (default: the company)'),
        domain: z.string().trim().max(253).optional().describe('Domain of a new account'),
      })
      .default({ action: 'match' }),
    deal: z
      .strictObject({
        action: z
          .enum(['create', 'link', 'none'])
          .default('create')
          .describe('create: a new deal; link: add the lead to the existing deal `id`; none: no deal'),
        id: zId.optional().describe('The deal to add the lead to (action link)'),
        name: z.string().trim().min(1).max(200).optional(),
        amount: zMoney.optional().describe("Default: the lead's deal value"),
        closeDate: zDate.nullable().optional().describe("Default: the lead's expected close date"),
        pipelineId: zId.optional(),
        stageId: zId.optional(),
        ownerId: zId.nullable().optional().describe("Default: the lead's owner"),
      })
      .default({ action: 'create' }),
    markWon: z
      .boolean()
      .default(true)
      .describe("Move the lead into its pipeline's won stage (its contact then becomes active)"),
  })
  .superRefine((v, ctx) => {
    if (v.account.action === 'link' && !v.account.id)
      ctx.addIssue({ code: 'custom', path: ['account', 'id'], message: 'is required to link an account' });
    if (v.deal.action === 'link' && !v.deal.id)
      ctx.addIssue({ code: 'custom', path: ['deal', 'id'], message: 'is required to link a deal' });
  })
  .describe('How to convert a lead');

const candidate = z.object({
  id: zId,
  name: z.string(),
  domain: z.string().nullable(),
  similarity: z.number().nullable().describe('Trigram similarity of the names (0..1)'),
});

export const leadConvertOut = z
  .object({
    preview: z.boolean(),
    lead: z.object({
      id: zId,
      status: z.string().describe('Status after conversion'),
      convertedAt: z.string().nullable(),
    }),
    contact: z.object({
      id: zId,
      name: z.string(),
      accountId: z.string().nullable().describe('The account the contact is linked to after conversion'),
      accountChange: z
        .enum(['link', 'keep', 'none'])
        .describe('link: linked to the account now; keep: already linked (kept as is); none'),
    }),
    account: z
      .object({
        action: z.enum(['create', 'link']),
        id: z.string().nullable().describe('null in a preview of a new account'),
        name: z.string(),
        domain: z.string().nullable(),
        matchedBy: z.enum(['contact', 'domain', 'name', 'chosen', 'none']),
        similarity: z.number().nullable(),
        candidates: z.array(candidate).describe('Other accounts with a similar name, best first'),
      })
      .nullable(),
    deal: z
      .object({
        action: z.enum(['create', 'link']),
        id: z.string().nullable().describe('null in a preview of a new deal'),
        name: z.string(),
        amount: zMoneyOut,
        pipelineId: zId,
        stageId: zId,
        stageName: z.string(),
        closeDate: z.string().nullable(),
        ownerId: z.string().nullable(),
      })
      .nullable(),
    customFields: z.object({
      mapped: z.array(
        z.object({
          key: z.string(),
          from: z.enum(['lead', 'contact']),
          to: z.enum(['deal', 'account']),
          value: z.unknown(),
        }),
      ),
      skipped: z.array(z.object({ key: z.string(), from: z.enum(['lead', 'contact']), reason: z.string() })),
    }),
  })
  .describe('What a conversion creates and links (or would, in a preview)');

export type LeadConvertIn = z.infer<typeof leadConvertIn>;
export type LeadConvertOut = z.infer<typeof leadConvertOut>;
