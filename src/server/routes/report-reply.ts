import type { FastifyReply } from 'fastify';
import { type ReportTable, reportCsv, reportFileName, reportXlsx } from '../../core/reports/report-file.js';

const attachment = (fileName: string) => `attachment; filename="${fileName.replace(/["\\\r\n]/g, '_')}"`;

export const REPORT_PRODUCES = [
  'application/json',
  'text/csv',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
];

/**
 * Answers a report: the JSON result, or (`format=csv|xlsx`) its table as a download. Every report route
 * ends here, so that every report exports the same way.
 */
export async function replyReport<T>(
  reply: FastifyReply,
  format: 'json' | 'csv' | 'xlsx',
  result: T,
  table: (r: T) => ReportTable,
): Promise<T | FastifyReply> {
  if (format === 'json') return result;
  const t = table(result);
  reply
    .header('content-disposition', attachment(reportFileName(t, format)))
    .header('cache-control', 'no-store');
  if (format === 'csv') return reply.header('content-type', 'text/csv; charset=utf-8').send(reportCsv(t));
  return reply
    .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
    .send(await reportXlsx(t));
}
