/**
 * Plans a lead conversion without writing anything: which account is created or linked (the
 * contact's, else one matched by the email's business domain, else by a similar company name), which
 * deal is created or joined, and which custom values carry over (same key, compatible type). The
 * preview answers this plan; the conversion executes it.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import { type ContactRow, displayName } from '../contacts/contacts.service.js';
import type { Db } from '../db/client.js';
import { accounts, customFieldDefinitions, deals, stages } from '../db/schema/index.js';
import { normalizeCompany } from '../duplicates/match-normalize.js';
import { trigramSimilarity } from '../duplicates/similarity.js';
import type { LeadRow } from '../leads/lead-reads.service.js';
import { resolveStage } from '../pipelines/pipelines.service.js';
import type { Ctx } from '../shared/context.js';
import { AppError } from '../shared/errors.js';
import { normalizeDomain } from '../shared/normalize.js';
import type { LeadConvertIn, LeadConvertOut } from './conversion.schemas.js';

type AccountRow = typeof accounts.$inferSelect;
type DealRow = typeof deals.$inferSelect;

/** Mail providers whose domain says nothing about the person's company. */
const FREE_MAIL = new Set(
  'gmail.com googlemail.com yahoo.com yahoo.co.uk yahoo.co.in ymail.com hotmail.com hotmail.co.uk outlook.com live.com msn.com icloud.com me.com mac.com aol.com proton.me protonmail.com gmx.com gmx.de gmx.net web.de mail.com mail.ru yandex.ru yandex.com qq.com 163.com 126.com zoho.com rediffmail.com fastmail.com hey.com tutanota.com t-online.de orange.fr free.fr laposte.net libero.it btinternet.com comcast.net verizon.net att.net sbcglobal.net'.split(
    ' ',
  ),
);

/** The business domain of the contact's primary email (none for free-mail providers). */
export function businessDomain(contact: Pick<ContactRow, 'emails'>): string | null {
  const email = contact.emails[0]?.normalized;
  const domain = email?.split('@')[1];
  if (!domain || FREE_MAIL.has(domain)) return null;
  return domain;
}

/** A name is taken as the same company from this similarity on (after legal suffixes are removed). */
export const NAME_MATCH = 0.6;

export type ConversionPlan = {
  out: LeadConvertOut;
  account: { row: AccountRow | null; create: { name: string; domain: string | null } | null };
  deal: {
    row: DealRow | null;
    create: {
      name: string;
      amount: string | null;
      closeDate: string | null;
      pipelineId: string;
      stageId: string;
      ownerId: string | null;
    } | null;
  };
  customForDeal: Record<string, unknown>;
  customForAccount: Record<string, unknown>;
};

async function accountById(tx: Db, ctx: Ctx, id: string, field: string): Promise<AccountRow> {
  const [row] = await tx
    .select()
    .from(accounts)
    .where(
      and(eq(accounts.workspaceId, ctx.workspaceId), eq(accounts.id, id), sql`${accounts.deletedAt} is null`),
    );
  if (!row)
    throw new AppError('not_found', `Account ${id} was not found`, [{ field, reason: 'no such account' }]);
  return row;
}

/** Accounts whose name is similar to the company (trigram index), best first, scored without legal suffixes. */
async function similarAccounts(tx: Db, ctx: Ctx, company: string) {
  const rows = await tx
    .select({ row: accounts, sim: sql<number>`similarity(${accounts.name}, ${company})` })
    .from(accounts)
    .where(
      and(
        eq(accounts.workspaceId, ctx.workspaceId),
        sql`${accounts.deletedAt} is null`,
        sql`${accounts.name} % ${company}`,
      ),
    )
    .orderBy(sql`similarity(${accounts.name}, ${company}) desc`)
    .limit(10);
  const want = normalizeCompany(company);
  return rows
    .map((r) => {
      const have = normalizeCompany(r.row.name);
      const similarity = have === want ? 1 : Math.max(trigramSimilarity(have, want), Number(r.sim));
      return { row: r.row, similarity: Math.round(similarity * 1000) / 1000 };
    })
    .sort((a, b) => b.similarity - a.similarity);
}

async function planAccount(
  tx: Db,
  ctx: Ctx,
  contact: ContactRow,
  want: LeadConvertIn['account'],
): Promise<{ plan: ConversionPlan['account']; out: LeadConvertOut['account'] }> {
  const none = { plan: { row: null, create: null }, out: null };
  if (want.action === 'none') return none;
  const linked = (
    row: AccountRow,
    matchedBy: 'contact' | 'domain' | 'name' | 'chosen',
    similarity: number | null,
    candidates: NonNullable<LeadConvertOut['account']>['candidates'] = [],
  ) => ({
    plan: { row, create: null },
    out: {
      action: 'link' as const,
      id: row.id,
      name: row.name,
      domain: row.domain,
      matchedBy,
      similarity,
      candidates,
    },
  });
  if (want.action === 'link')
    return linked(await accountById(tx, ctx, want.id!, 'account.id'), 'chosen', null);

  const company = want.name ?? contact.companyName;
  const domain = want.domain ? normalizeDomain(want.domain) : businessDomain(contact);
  const similar = company ? await similarAccounts(tx, ctx, company) : [];
  const candidates = similar.map((s) => ({
    id: s.row.id,
    name: s.row.name,
    domain: s.row.domain,
    similarity: s.similarity,
  }));
  if (want.action === 'match') {
    if (contact.accountId)
      return linked(await accountById(tx, ctx, contact.accountId, 'contactId'), 'contact', null, candidates);
    if (domain) {
      const [byDomain] = await tx
        .select()
        .from(accounts)
        .where(
          and(
            eq(accounts.workspaceId, ctx.workspaceId),
            sql`lower(${accounts.domain}) = ${domain}`,
            sql`${accounts.deletedAt} is null`,
          ),
        )
        .orderBy(accounts.createdAt)
        .limit(1);
      if (byDomain)
        return linked(
          byDomain,
          'domain',
          null,
          candidates.filter((c) => c.id !== byDomain.id),
        );
    }
    const best = similar[0];
    if (best && best.similarity >= NAME_MATCH)
      return linked(
        best.row,
        'name',
        best.similarity,
        candidates.filter((c) => c.id !== best.row.id),
      );
    if (!company) return none;
  }
  const name = company ?? null;
  if (!name)
    throw AppError.invalid(
      'account.name',
      'is required: the contact has no company to name the account after',
    );
  return {
    plan: { row: null, create: { name, domain } },
    out: { action: 'create', id: null, name, domain, matchedBy: 'none', similarity: null, candidates },
  };
}

async function planDeal(
  tx: Db,
  ctx: Ctx,
  lead: LeadRow,
  contact: ContactRow,
  want: LeadConvertIn['deal'],
): Promise<{ plan: ConversionPlan['deal']; out: LeadConvertOut['deal'] }> {
  if (want.action === 'none') return { plan: { row: null, create: null }, out: null };
  if (want.action === 'link') {
    const [r] = await tx
      .select({ row: deals, stage: stages })
      .from(deals)
      .innerJoin(stages, and(eq(stages.workspaceId, deals.workspaceId), eq(stages.id, deals.stageId)))
      .where(
        and(eq(deals.workspaceId, ctx.workspaceId), eq(deals.id, want.id!), sql`${deals.deletedAt} is null`),
      );
    if (!r)
      throw new AppError('not_found', `Deal ${want.id} was not found`, [
        { field: 'deal.id', reason: 'no such deal' },
      ]);
    return {
      plan: { row: r.row, create: null },
      out: {
        action: 'link',
        id: r.row.id,
        name: r.row.name,
        amount: r.row.amount,
        pipelineId: r.row.pipelineId,
        stageId: r.row.stageId,
        stageName: r.stage.name,
        closeDate: r.row.closeDate,
        ownerId: r.row.ownerId,
      },
    };
  }
  const stage = await resolveStage(tx, ctx, { pipelineId: want.pipelineId, stageId: want.stageId }).catch(
    (e) => {
      if (e instanceof AppError) for (const d of e.errors) d.field = `deal.${d.field}`;
      throw e;
    },
  );
  const who = displayName(contact);
  const name = want.name ?? (lead.title || [who, lead.productInterest].filter(Boolean).join(' – '));
  const create = {
    name,
    amount: want.amount ?? lead.dealValue,
    closeDate: want.closeDate === undefined ? lead.expectedCloseDate : want.closeDate,
    pipelineId: stage.pipelineId,
    stageId: stage.id,
    ownerId: want.ownerId === undefined ? lead.ownerId : want.ownerId,
  };
  return {
    plan: { row: null, create },
    out: { action: 'create', id: null, ...create, amount: create.amount ?? null, stageName: stage.name },
  };
}

type Def = { entity: string; key: string; type: string };
const compatible = (a: string, b: string) =>
  a === b || (['number', 'money'].includes(a) && ['number', 'money'].includes(b));

/** Values of `from` that go to `to`: same key, compatible type, and (for an existing record) not set there yet. */
function mapCustom(
  defs: Def[],
  fromEntity: 'lead' | 'contact',
  toEntity: 'deal' | 'account',
  values: Record<string, unknown>,
  target: { exists: boolean; custom: Record<string, unknown> } | null,
  out: LeadConvertOut['customFields'],
): Record<string, unknown> {
  const mapped: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    if (value === null || value === undefined) continue;
    const from = defs.find((d) => d.entity === fromEntity && d.key === key);
    const to = defs.find((d) => d.entity === toEntity && d.key === key);
    let reason: string | null = null;
    if (!target) reason = `no ${toEntity} is created or linked`;
    else if (!to) reason = `no ${toEntity} field has the key ${key}`;
    else if (from && !compatible(from.type, to.type))
      reason = `types differ (${fromEntity}: ${from.type}, ${toEntity}: ${to.type})`;
    else if (target.exists && target.custom[key] !== undefined && target.custom[key] !== null)
      reason = `the ${toEntity} already has a value (kept)`;
    if (reason) out.skipped.push({ key, from: fromEntity, reason });
    else {
      mapped[key] = value;
      out.mapped.push({ key, from: fromEntity, to: toEntity, value });
    }
  }
  return mapped;
}

export async function planConversion(
  tx: Db,
  ctx: Ctx,
  lead: LeadRow,
  contact: ContactRow,
  input: LeadConvertIn,
): Promise<ConversionPlan> {
  const account = await planAccount(tx, ctx, contact, input.account);
  const deal = await planDeal(tx, ctx, lead, contact, input.deal);
  const defs = await tx
    .select({
      entity: customFieldDefinitions.entity,
      key: customFieldDefinitions.key,
      type: customFieldDefinitions.type,
    })
    .from(customFieldDefinitions)
    .where(
      and(
        eq(customFieldDefinitions.workspaceId, ctx.workspaceId),
        inArray(customFieldDefinitions.entity, ['lead', 'contact', 'deal', 'account']),
        sql`${customFieldDefinitions.deletedAt} is null`,
      ),
    );
  const customFields: LeadConvertOut['customFields'] = { mapped: [], skipped: [] };
  const dealTarget = deal.plan.row
    ? { exists: true, custom: deal.plan.row.custom }
    : deal.plan.create
      ? { exists: false, custom: {} }
      : null;
  const accountTarget = account.plan.row
    ? { exists: true, custom: account.plan.row.custom }
    : account.plan.create
      ? { exists: false, custom: {} }
      : null;
  const customForDeal = mapCustom(defs, 'lead', 'deal', lead.custom, dealTarget, customFields);
  const customForAccount = mapCustom(defs, 'contact', 'account', contact.custom, accountTarget, customFields);
  const accountId = contact.accountId ?? account.out?.id ?? null;
  return {
    account: account.plan,
    deal: deal.plan,
    customForDeal,
    customForAccount,
    out: {
      preview: input.preview,
      lead: {
        id: lead.id,
        status: input.markWon ? 'won' : lead.status,
        convertedAt: null,
      },
      contact: {
        id: contact.id,
        name: displayName(contact),
        accountId,
        accountChange: contact.accountId ? 'keep' : account.out ? 'link' : 'none',
      },
      account: account.out,
      deal: deal.out,
      customFields,
    },
  };
}
