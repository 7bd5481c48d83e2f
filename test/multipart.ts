import { randomBytes } from 'node:crypto';
import type { TestApp } from './app.js';

/** A multipart/form-data body: the text fields first, then the file part (as browsers and curl -F send them). */
export function multipart(
  fields: Record<string, string>,
  file?: { name: string; content: string | Buffer; type?: string },
): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----leadbase${randomBytes(8).toString('hex')}`;
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields))
    parts.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  if (file) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="${file.name}"\r\ncontent-type: ${file.type ?? 'text/csv'}\r\n\r\n`,
      ),
    );
    parts.push(typeof file.content === 'string' ? Buffer.from(file.content) : file.content);
    parts.push(Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    payload: Buffer.concat(parts),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

/** POST /api/v1/imports: the fields and the file as a multipart upload, signed in with `auth`. */
export function uploadImport(
  t: Pick<TestApp, 'call'>,
  auth: Record<string, string>,
  fields: Record<string, string>,
  file: { name: string; content: string | Buffer; type?: string },
) {
  const m = multipart(fields, file);
  return t.call({
    method: 'POST',
    url: '/api/v1/imports',
    payload: m.payload,
    headers: { ...auth, ...m.headers },
  });
}
