import { and, asc, eq, sql } from 'drizzle-orm';
import { insertAccount } from '../accounts/accounts.service.js';
import { logSystemEvents, type SystemEvent } from '../activities/timeline-events.js';
import { writeAudit } from '../audit/audit.service.js';
import { loadContactRow, patchContact } from '../contacts/contacts.service.js';
import type { Db } from '../db/client.js';
import { accounts, deals, leads, stages } from '../db/schema/index.js';
import { getDeal, insertDeal } from '../deals/deals.service.js';
import { loadLead, toLead } from '../leads/lead-reads.service.js';
import { applyLeadWon } from '../lifecycle/lifecycle.service.js';
import type { Ctx } from '../shared/context.js';
import { AppError } from '../shared/errors.js';
import type { LeadConvertIn, LeadConvertOut } from './conversion.schemas.js';
import { planConversion } from './conversion-plan.js';

/**
 * Converts a lead (SPEC 2): creates or links an account and a deal, links the contact to the
 * account, carries custom values over by key and type, moves the lead into its won stage (so its
 * contact becomes active) and records `convertedAt` and the targets. All in one transaction: either
 * everything is saved or nothing. With `preview` nothing is written and the plan is answered.
 */
export async function convertLead(
  db: Db,
  ctx: Ctx,
  leadId: string,
  input: LeadConvertIn,
): Promise<LeadConvertOut> {
  return db.transaction(async (tx) => {
    const cur = await loadLead(tx, ctx, leadId, { lock: !input.preview });
    const { lead } = cur;
    if (lead.convertedAccountId || lead.convertedDealId)
      throw new AppError('conflict', 'This lead was already converted', [
        {
          field: 'id',
          reason: `converted ${lead.convertedAt?.toISOString() ?? ''} into ${[
            lead.convertedAccountId && `account ${lead.convertedAccountId}`,
            lead.convertedDealId && `deal ${lead.convertedDealId}`,
          ]
            .filter(Boolean)
            .join(' and ')}`.trim(),
        },
      ]);
    let contact = await loadContactRow(tx, ctx, lead.contactId, { lock: !input.preview, withDeleted: true });
    const plan = await planConversion(tx, ctx, lead, contact, input);
    if (input.preview) return plan.out;
    const out = structuredClone(plan.out);

    // Account: create, or fill the linked one's empty custom values.
    let accountId: string | null = plan.account.row?.id ?? null;
    if (plan.account.create) {
      const created = await insertAccount(tx, ctx, {
        name: plan.account.create.name,
        domain: plan.account.create.domain,
        ownerId: lead.ownerId,
      });
      accountId = created.id;
      out.account!.id = created.id;
    }
    if (accountId && Object.keys(plan.customForAccount).length)
      await mergeCustom(tx, ctx, 'account', accountId, plan.customForAccount);

    // The contact joins the account unless it already belongs to one.
    if (accountId && !contact.accountId) contact = await patchContact(tx, ctx, contact, { accountId });

    // Deal: create, or add the lead to an existing one.
    let dealId: string | null = plan.deal.row?.id ?? null;
    if (plan.deal.create) {
      const d = await insertDeal(tx, ctx, {
        ...plan.deal.create,
        accountId: accountId ?? contact.accountId,
        primaryContactId: contact.id,
        originLeadId: lead.id,
      });
      dealId = d.id;
      out.deal!.id = d.id;
    } else if (plan.deal.row) {
      const d = plan.deal.row;
      const set: Partial<typeof deals.$inferInsert> = {};
      if (!d.originLeadId) set.originLeadId = lead.id;
      if (!d.accountId && accountId) set.accountId = accountId;
      if (!d.primaryContactId) set.primaryContactId = contact.id;
      if (Object.keys(set).length) await updateDealRow(tx, ctx, d.id, set);
    }
    if (dealId && Object.keys(plan.customForDeal).length)
      await mergeCustom(tx, ctx, 'deal', dealId, plan.customForDeal);

    // The lead: converted, pointing at its targets, in its won stage.
    const won = input.markWon && lead.status !== 'won' ? await wonStage(tx, ctx, lead.pipelineId) : null;
    const [row] = await tx
      .update(leads)
      .set({
        convertedAt: lead.convertedAt ?? sql`now()`,
        convertedAccountId: accountId,
        convertedDealId: dealId,
        ...(won ? { stageId: won.id, status: won.leadStatus, stageEnteredAt: sql`now()` } : {}),
        updatedAt: sql`now()`,
        version: sql`${leads.version} + 1`,
      })
      .where(and(eq(leads.workspaceId, ctx.workspaceId), eq(leads.id, lead.id)))
      .returning();
    if (won || lead.status === 'won') contact = await applyLeadWon(tx, ctx, contact);
    await writeAudit(tx, ctx, {
      action: 'convert',
      entity: 'lead',
      entityId: lead.id,
      before: toLead(lead, cur.contact, cur.stageName),
      after: toLead(row!, contact, won?.name ?? cur.stageName),
    });
    const events: SystemEvent[] = [];
    if (won)
      events.push({
        type: 'stage_change',
        leadId: lead.id,
        contactId: contact.id,
        subject: `Stage: ${cur.stageName} → ${won.name} (converted)`,
        metadata: {
          fromStageId: lead.stageId,
          toStageId: won.id,
          fromStatus: lead.status,
          toStatus: won.leadStatus,
        },
      });
    events.push({
      type: 'system',
      leadId: lead.id,
      contactId: contact.id,
      accountId,
      dealId,
      subject: `Converted${out.account ? ` · account ${out.account.name} (${out.account.action === 'create' ? 'new' : 'linked'})` : ''}${out.deal ? ` · deal ${out.deal.name} (${out.deal.action === 'create' ? 'new' : 'joined'})` : ''}`,
      metadata: {
        event: 'lead.converted',
        accountId,
        accountAction: out.account?.action ?? null,
        dealId,
        dealAction: out.deal?.action ?? null,
        mappedCustomFields: out.customFields.mapped.map((m) => m.key),
      },
    });
    await logSystemEvents(tx, ctx, events);
    out.lead = { id: lead.id, status: row!.status, convertedAt: row!.convertedAt!.toISOString() };
    out.contact.accountId = contact.accountId;
    return out;
  });
}

async function wonStage(tx: Db, ctx: Ctx, pipelineId: string) {
  const [won] = await tx
    .select()
    .from(stages)
    .where(
      and(
        eq(stages.workspaceId, ctx.workspaceId),
        eq(stages.pipelineId, pipelineId),
        eq(stages.type, 'won'),
        sql`${stages.deletedAt} is null`,
      ),
    )
    .orderBy(asc(stages.position))
    .limit(1);
  if (!won)
    throw new AppError('conflict', "The lead's pipeline has no won stage", [
      { field: 'markWon', reason: 'add a won stage to the pipeline, or convert with markWon false' },
    ]);
  return won;
}

async function updateDealRow(tx: Db, ctx: Ctx, id: string, set: Partial<typeof deals.$inferInsert>) {
  const before = await getDeal(tx, ctx, id);
  await tx
    .update(deals)
    .set({ ...set, updatedAt: sql`now()`, version: sql`${deals.version} + 1` })
    .where(and(eq(deals.workspaceId, ctx.workspaceId), eq(deals.id, id)));
  await writeAudit(tx, ctx, {
    action: 'update',
    entity: 'deal',
    entityId: id,
    before,
    after: await getDeal(tx, ctx, id),
  });
}

/** Adds custom values (keys the record does not have yet) with an audit entry. */
async function mergeCustom(
  tx: Db,
  ctx: Ctx,
  entity: 'deal' | 'account',
  id: string,
  values: Record<string, unknown>,
): Promise<void> {
  const table = entity === 'deal' ? deals : accounts;
  const [before] = await tx
    .select({ custom: table.custom })
    .from(table)
    .where(and(eq(table.workspaceId, ctx.workspaceId), eq(table.id, id)));
  const [row] = await tx
    .update(table)
    .set({
      custom: sql`${JSON.stringify(values)}::jsonb || ${table.custom}`,
      updatedAt: sql`now()`,
      version: sql`${table.version} + 1`,
    })
    .where(and(eq(table.workspaceId, ctx.workspaceId), eq(table.id, id)))
    .returning({ custom: table.custom });
  await writeAudit(tx, ctx, {
    action: 'update',
    entity,
    entityId: id,
    before: { customFields: before?.custom ?? {} },
    after: { customFields: row?.custom ?? {} },
  });
}
