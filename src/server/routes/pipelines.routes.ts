import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../../core/db/client.js';
import * as admin from '../../core/pipelines/pipeline-admin.service.js';
import {
  pipelineCreate,
  pipelineOut,
  pipelineUpdate,
  pipelineUsageOut,
  stageCreate,
  stageRemove,
  stageReorder,
  stageUpdate,
} from '../../core/pipelines/pipelines.schemas.js';
import { getPipeline, listPipelines } from '../../core/pipelines/pipelines.service.js';
import * as stagesSvc from '../../core/pipelines/stage-admin.service.js';
import { etagOf, idParams, parseIfMatch, problems } from './resource.js';

const stageParams = z.strictObject({
  id: z.uuid('must be a UUID'),
  stageId: z.uuid('must be a UUID'),
});
const ifMatchHeaders = z.looseObject({
  'if-match': z
    .string()
    .max(200)
    .optional()
    .describe("The pipeline's ETag you read; a stale one fails with 412"),
});

/**
 * Pipelines and their stages: everyone reads them (board, forms); owners and admins change them.
 * Every stage change answers with the whole pipeline (its ETag covers its stages).
 */
export function pipelinesRoutes(fastify: FastifyInstance, db: Db): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const tags = ['Pipelines'];
  const base = '/api/v1/pipelines';

  app.get(
    base,
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'Pipelines with their ordered stages',
        response: { 200: z.object({ data: z.array(pipelineOut) }), ...problems(401) },
      },
    },
    async (req) => ({ data: await listPipelines(db, req.ctx) }),
  );

  app.post(
    base,
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Create a pipeline',
        description:
          'Without `stages` it gets New, Contacted, Qualified, Proposal, Won and Lost. `isDefault: true` makes it the default (new leads without a pipeline go there); the first pipeline is always the default.',
        body: pipelineCreate,
        response: { 201: pipelineOut, ...problems(400, 401, 403, 413, 415, 422) },
      },
    },
    async (req, reply) => {
      const out = await admin.createPipeline(db, req.ctx, req.body);
      return reply.code(201).header('location', `${base}/${out.id}`).header('etag', etagOf(out)).send(out);
    },
  );

  app.get(
    `${base}/:id`,
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'One pipeline with its stages',
        params: idParams,
        response: { 200: pipelineOut, ...problems(400, 401, 404) },
      },
    },
    async (req, reply) => {
      const out = await getPipeline(db, req.ctx, req.params.id);
      return reply.header('etag', etagOf(out)).send(out);
    },
  );

  app.patch(
    `${base}/:id`,
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Change a pipeline (name, rotten-after days, default, position)',
        description:
          '`isDefault: true` moves the default here; `false` is refused (make another pipeline the default). `position` places it among the pipelines. `If-Match` with the ETag; stale gives 412.',
        params: idParams,
        headers: ifMatchHeaders,
        body: pipelineUpdate,
        response: { 200: pipelineOut, ...problems(400, 401, 403, 404, 412, 413, 415, 422) },
      },
    },
    async (req, reply) => {
      const out = await admin.updatePipeline(
        db,
        req.ctx,
        req.params.id,
        req.body,
        parseIfMatch(req.headers['if-match']),
      );
      return reply.header('etag', etagOf(out)).send(out);
    },
  );

  app.delete(
    `${base}/:id`,
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Delete a pipeline (soft)',
        description:
          'Refused with 409 for the only pipeline, the default pipeline (make another the default first) and while any lead or deal, deleted ones included, is in it. Answers with the pipeline as it was.',
        params: idParams,
        response: { 200: pipelineOut, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (req) => admin.deletePipeline(db, req.ctx, req.params.id),
  );

  app.get(
    `${base}/:id/usage`,
    {
      config: { access: 'viewer' },
      schema: {
        tags,
        summary: 'Leads and deals per stage',
        description: 'What removing a stage would move (deleted records move too and are counted apart).',
        params: idParams,
        response: { 200: pipelineUsageOut, ...problems(400, 401, 404) },
      },
    },
    async (req) => stagesSvc.pipelineUsage(db, req.ctx, req.params.id),
  );

  app.post(
    `${base}/:id/stages`,
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Add a stage',
        description:
          'type open|won|lost (default open); leadStatus: won for won, lost for lost, else new|contacted|qualified|proposal (default: that of the open stage before it, else new). Without `position` an open stage goes after the last open stage, a won or lost one at the end. Answers with the pipeline; `Leadbase-Stage-Id` names the new stage.',
        params: idParams,
        headers: ifMatchHeaders,
        body: stageCreate,
        response: { 201: pipelineOut, ...problems(400, 401, 403, 404, 412, 413, 415, 422) },
      },
    },
    async (req, reply) => {
      const r = await stagesSvc.createStage(
        db,
        req.ctx,
        req.params.id,
        req.body,
        parseIfMatch(req.headers['if-match']),
      );
      return reply
        .code(201)
        .header('etag', etagOf(r.pipeline))
        .header('leadbase-stage-id', r.stageId)
        .send(r.pipeline);
    },
  );

  app.post(
    `${base}/:id/stages/reorder`,
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Reorder the stages',
        description: '`stageIds` lists every live stage of the pipeline once, in the new order.',
        params: idParams,
        headers: ifMatchHeaders,
        body: stageReorder,
        response: { 200: pipelineOut, ...problems(400, 401, 403, 404, 412, 413, 415, 422) },
      },
    },
    async (req, reply) => {
      const out = await stagesSvc.reorderStages(
        db,
        req.ctx,
        req.params.id,
        req.body,
        parseIfMatch(req.headers['if-match']),
      );
      return reply.header('etag', etagOf(out)).send(out);
    },
  );

  app.patch(
    `${base}/:id/stages/:stageId`,
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Change a stage (name, colour, probability, type, status)',
        description:
          'The type changes only while the stage holds no leads or deals (409), and the last open stage stays open. A new status of an open stage is given to its leads.',
        params: stageParams,
        headers: ifMatchHeaders,
        body: stageUpdate,
        response: { 200: pipelineOut, ...problems(400, 401, 403, 404, 409, 412, 413, 415, 422) },
      },
    },
    async (req, reply) => {
      const out = await stagesSvc.updateStage(
        db,
        req.ctx,
        req.params.id,
        req.params.stageId,
        req.body,
        parseIfMatch(req.headers['if-match']),
      );
      return reply.header('etag', etagOf(out)).send(out);
    },
  );

  app.post(
    `${base}/:id/stages/:stageId/remove`,
    {
      config: { access: 'admin' },
      schema: {
        tags,
        summary: 'Remove a stage, moving its leads and deals',
        description:
          'A POST action rather than DELETE with a body (bodies on DELETE are not reliably passed on by clients and proxies). Leads and deals of the stage, deleted ones too, move to `moveToStageId` (another live stage of the same pipeline and the same type; required when there is any). Each lead gets a stage_change activity and its stage history; one audit entry counts them; all or nothing. The last open stage cannot be removed.',
        params: stageParams,
        headers: ifMatchHeaders,
        body: stageRemove,
        response: {
          200: z.object({
            pipeline: pipelineOut,
            leadsMoved: z.number().int(),
            dealsMoved: z.number().int(),
          }),
          ...problems(400, 401, 403, 404, 412, 413, 415, 422),
        },
      },
    },
    async (req, reply) => {
      const r = await stagesSvc.removeStage(
        db,
        req.ctx,
        req.params.id,
        req.params.stageId,
        req.body,
        parseIfMatch(req.headers['if-match']),
      );
      return reply.header('etag', etagOf(r.pipeline)).send(r);
    },
  );
}
