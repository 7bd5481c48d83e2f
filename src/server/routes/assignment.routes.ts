import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  assignmentRuleCreate,
  assignmentRuleOut,
  assignmentRuleUpdate,
  assignmentSettingsBody,
  bulkAssignBody,
  bulkAssignOut,
  capacityBody,
  capacityOut,
  leadAssignmentOut,
  rulePreviewOut,
  workloadOut,
} from '../../core/assignment/assignment.schemas.js';
import {
  bulkAssign,
  getAssignmentSettings,
  leadAssignmentHistory,
  setAssignmentSettings,
  setCapacity,
  workload,
} from '../../core/assignment/assignment-admin.service.js';
import * as rules from '../../core/assignment/assignment-rules.service.js';
import type { Db } from '../../core/db/client.js';
import { etagOf, idParams, parseIfMatch, problems } from './resource.js';

/**
 * Assignment rules (who gets a new lead), the fallback owner, member capacity, the workload view,
 * a lead's assignment history and bulk reassignment. Every member reads; rules, settings and
 * capacity need the manager, admin or owner role; bulk reassignment the rep role.
 */
export function assignmentRoutes(fastify: FastifyInstance, db: Db): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['Assignment'];
  const base = '/api/v1/assignment-rules';

  app.get(
    base,
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'Assignment rules, in the order they are tried (priority, then id)',
        querystring: z.strictObject({
          deleted: z.enum(['true', 'false']).optional().describe('true: deleted rules too'),
        }),
        response: { 200: z.object({ data: z.array(assignmentRuleOut) }), ...problems(400, 401) },
      },
    },
    async (req) => ({
      data: await rules.listAssignmentRules(db, req.ctx, { deleted: req.query.deleted === 'true' }),
    }),
  );
  app.post(
    base,
    {
      config: { access: 'manager' },
      schema: {
        tags,
        summary: 'Create an assignment rule',
        description:
          'Tried in priority order on every new lead created without an owner (API, batch, import); the first whose conditions hold and that has an eligible member (not paused, under its caps) picks the owner. round_robin and least_loaded take userIds (rotation order) or a teamId; specific_user exactly one user.',
        body: assignmentRuleCreate,
        response: { 201: assignmentRuleOut, ...problems(400, 401, 403, 415, 422) },
      },
    },
    async (req, reply) => {
      const r = await rules.createAssignmentRule(db, req.ctx, req.body);
      return reply.code(201).header('location', `${base}/${r.id}`).header('etag', etagOf(r)).send(r);
    },
  );
  app.get(
    `${base}/:id`,
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'Get an assignment rule',
        params: idParams,
        response: { 200: assignmentRuleOut, ...problems(400, 401, 404) },
      },
    },
    async (req, reply) => {
      const r = await rules.getAssignmentRule(db, req.ctx, req.params.id);
      return reply.header('etag', etagOf(r)).send(r);
    },
  );
  app.patch(
    `${base}/:id`,
    {
      config: { access: 'manager' },
      schema: {
        tags,
        summary: 'Update an assignment rule',
        description: 'Changing its users or team restarts its rotation at the first user.',
        params: idParams,
        body: assignmentRuleUpdate,
        response: { 200: assignmentRuleOut, ...problems(400, 401, 403, 404, 412, 415, 422) },
      },
    },
    async (req, reply) => {
      const r = await rules.updateAssignmentRule(
        db,
        req.ctx,
        req.params.id,
        req.body,
        parseIfMatch(req.headers['if-match'] as string | undefined),
      );
      return reply.header('etag', etagOf(r)).send(r);
    },
  );
  app.delete(
    `${base}/:id`,
    {
      config: { access: 'manager' },
      schema: {
        tags,
        summary: 'Delete an assignment rule (soft; restore with POST /:id/restore)',
        params: idParams,
        response: { 200: assignmentRuleOut, ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => rules.setAssignmentRuleDeleted(db, req.ctx, req.params.id, true),
  );
  app.post(
    `${base}/:id/restore`,
    {
      config: { access: 'manager' },
      schema: {
        tags,
        summary: 'Restore a deleted assignment rule',
        params: idParams,
        response: { 200: assignmentRuleOut, ...problems(400, 401, 403, 404) },
      },
    },
    async (req) => rules.setAssignmentRuleDeleted(db, req.ctx, req.params.id, false),
  );
  app.post(
    `${base}/:id/preview`,
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: "How many open leads the rule's conditions select now (compiled to SQL)",
        params: idParams,
        response: { 200: rulePreviewOut, ...problems(400, 401, 404, 422) },
      },
    },
    async (req) => rules.previewAssignmentRule(db, req.ctx, req.params.id),
  );

  app.get(
    '/api/v1/assignment/settings',
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'The fallback owner (gets new leads no rule assigns)',
        response: { 200: assignmentSettingsBody, ...problems(401) },
      },
    },
    async (req) => getAssignmentSettings(db, req.ctx),
  );
  app.put(
    '/api/v1/assignment/settings',
    {
      config: { access: 'manager' },
      schema: {
        tags,
        summary: 'Set the fallback owner',
        body: assignmentSettingsBody,
        response: { 200: assignmentSettingsBody, ...problems(400, 401, 403, 415, 422) },
      },
    },
    async (req) => setAssignmentSettings(db, req.ctx, req.body),
  );
  app.get(
    '/api/v1/assignment/workload',
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'Per active member: open leads, assigned in 30 days and share, caps, paused, teams',
        response: { 200: workloadOut, ...problems(401) },
      },
    },
    async (req) => workload(db, req.ctx),
  );
  app.put(
    '/api/v1/members/:id/capacity',
    {
      config: { access: 'manager' },
      schema: {
        tags,
        summary: "Set a member's capacity for rules: paused, max open leads, max leads per 30 days",
        params: idParams,
        body: capacityBody,
        response: { 200: capacityOut, ...problems(400, 401, 403, 404, 415, 422) },
      },
    },
    async (req) => setCapacity(db, req.ctx, req.params.id, req.body),
  );
  app.get(
    '/api/v1/leads/:id/assignments',
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: "A lead's owner changes, newest first, with the reason",
        description:
          'reason: rule (details: ruleName, type, position of n, each candidate with openLeads, assigned30d, caps, paused, eligible and why), fallback, manual, bulk, create, import or merge.',
        params: idParams,
        response: { 200: z.object({ data: z.array(leadAssignmentOut) }), ...problems(400, 401, 404) },
      },
    },
    async (req) => ({ data: await leadAssignmentHistory(db, req.ctx, req.params.id) }),
  );
  app.post(
    '/api/v1/leads/bulk-assign',
    {
      config: { access: 'rep' },
      schema: {
        tags,
        summary: 'Give up to 1,000 leads one owner (all or nothing)',
        description:
          'Each lead gets a history row (reason bulk), a timeline entry and an audit entry. An unknown lead id fails the whole request (404 naming leadIds.<i>).',
        body: bulkAssignBody,
        response: { 200: bulkAssignOut, ...problems(400, 401, 403, 404, 413, 415, 422) },
      },
    },
    async (req) => bulkAssign(db, req.ctx, req.body),
  );
}
