import { notifications } from '@mantine/notifications';
import { api, type Query } from '../api/client';

type Job = { status: string; progress: number; error: string | null };

/** Starts a download of a URL (the session cookie authenticates it; the server names the file). */
export function download(url: string): void {
  const a = document.createElement('a');
  a.href = url;
  a.download = '';
  document.body.appendChild(a);
  a.click();
  a.remove();
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A large export prepared on the server (POST …/export-jobs): a notification follows the job's rows
 * written, and the file downloads when it is ready (the notification keeps a link to it). The list's
 * current filters, search and sort go as the job's filters.
 */
export async function exportInBackground(
  path: string,
  query: Query,
  format: 'csv' | 'xlsx',
  plural: string,
  columns?: string[],
): Promise<void> {
  const filters: Record<string, string> = {};
  for (const [k, v] of Object.entries(query))
    if (v !== undefined && v !== null && v !== '' && k !== 'limit' && k !== 'cursor') filters[k] = String(v);
  const id = notifications.show({
    loading: true,
    title: `Exporting ${plural}`,
    message: 'Preparing the file on the server…',
    autoClose: false,
    withCloseButton: false,
  });
  try {
    const { jobId, fileUrl } = await api.post<{ jobId: string; fileUrl: string }>(`${path}/export-jobs`, {
      format,
      columns,
      filters,
    });
    for (;;) {
      const job = await api.get<Job>(`/jobs/${jobId}`);
      if (job.status === 'succeeded') break;
      if (job.status === 'failed' || job.status === 'cancelled')
        throw new Error(job.error ?? `the export ${job.status}`);
      notifications.update({
        id,
        loading: true,
        title: `Exporting ${plural}`,
        message: `${job.progress.toLocaleString()} rows written…`,
        autoClose: false,
        withCloseButton: false,
      });
      await sleep(700);
    }
    download(fileUrl);
    notifications.update({
      id,
      loading: false,
      color: 'green',
      title: `Export of ${plural} ready`,
      message: 'The file is downloading (the server keeps it for a week).',
      autoClose: 8000,
      withCloseButton: true,
    });
  } catch (e) {
    notifications.update({
      id,
      loading: false,
      color: 'red',
      title: `Export of ${plural} failed`,
      message: e instanceof Error ? e.message : String(e),
      autoClose: false,
      withCloseButton: true,
    });
  }
}
