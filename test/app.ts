import type { FastifyInstance, InjectOptions } from 'fastify';
import type { DatabaseHandle } from '../src/core/db/client.js';
import { buildApp } from '../src/server/app.js';
import { type DbKind, testDatabase } from './db.js';

export type Session = {
  userId: string;
  workspaceId: string;
  cookie: string;
  key: string;
  /** Headers that authenticate with the workspace's admin API key. */
  auth: Record<string, string>;
};

export type TestApp = {
  app: FastifyInstance;
  handle: DatabaseHandle;
  close(): Promise<void>;
  /** Signs up a new user with a new workspace and makes an API key for it. */
  signup(name?: string): Promise<Session>;
  /** app.inject, returning the parsed JSON body as well. */
  call(opts: InjectOptions): Promise<{ status: number; body: any; headers: Record<string, unknown> }>;
};

let n = 0;

export async function testApp(kind: DbKind): Promise<TestApp> {
  const handle = await testDatabase(kind);
  const app = await buildApp({ db: handle.db, validateResponses: true });
  const call: TestApp['call'] = async (opts) => {
    const r = await app.inject(opts);
    let body: unknown = r.body;
    try {
      body = r.body ? JSON.parse(r.body) : null;
    } catch {}
    return { status: r.statusCode, body, headers: r.headers as Record<string, unknown> };
  };
  return {
    app,
    handle,
    call,
    close: async () => {
      await app.close();
      await handle.close();
    },
    signup: async (name = 'Ann') => {
      n += 1;
      const email = `${name.toLowerCase().replace(/\W/g, '')}${n}.${Date.now()}@example.com`;
      const r = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/signup',
        payload: { email, password: 'correct horse battery', name, workspaceName: `${name}'s company` },
      });
      if (r.statusCode !== 201) throw new Error(`signup failed: ${r.body}`);
      const cookie = String(r.headers['set-cookie']).split(';')[0]!;
      const body = JSON.parse(r.body);
      const k = await app.inject({
        method: 'POST',
        url: '/api/v1/api-keys',
        payload: { name: 'tests' },
        headers: { cookie },
      });
      const key = JSON.parse(k.body).key as string;
      return {
        userId: body.user.id,
        workspaceId: body.workspace.id,
        cookie,
        key,
        auth: { authorization: `Bearer ${key}` },
      };
    },
  };
}
