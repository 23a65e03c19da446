import type { INestApplication } from '@nestjs/common';
import { TradeIdentityClient } from '@qautlra/clients';
import type { NextFunction, Request, Response } from 'express';
import type { WebConfig } from './config';

/** Largest request body passed on (a new instance's spec). */
const MAX_BODY = 64 * 1024;

/**
 * `/strategy/api/…` for the browser: the live strategy runtime, behind the trade server's login.
 * The caller's `Authorization: Bearer <JWT>` (the one the page signed in with) is checked with the
 * trade server, which says which accounts the user owns; the runtime's own token is added here,
 * server-side, and the user sees and drives only the instances of their own accounts.
 */
export function mountStrategyGate(app: INestApplication, config: WebConfig): void {
  // The trade server says who a JWT stands for and which accounts that user owns (cached 30 s).
  const identities = new TradeIdentityClient({ url: config.tradeUrl });
  const accountsOf = async (jwt: string): Promise<ReadonlySet<string> | undefined> =>
    (await identities.verify(jwt))?.accounts;

  const runtime = async (method: string, path: string, body?: string) => {
    const response = await fetch(`${config.strategyUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${config.strategyToken}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body,
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
  };

  const readBody = (req: Request): Promise<string> =>
    new Promise((resolve, reject) => {
      let size = 0;
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY) {
          reject(new Error('too large'));
          req.destroy();
        } else chunks.push(chunk);
      });
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      req.on('error', reject);
    });

  const refuse = (res: Response, status: number, code: string, message: string) =>
    res.status(status).json({ statusCode: status, code, message });

  app.use(async (req: Request, res: Response, next: NextFunction) => {
    if (!req.path.startsWith('/strategy/')) return next();
    const path = req.path.slice('/strategy'.length);
    try {
      if (!config.strategyToken)
        return refuse(
          res,
          503,
          'NOT_CONFIGURED',
          'WEB_STRATEGY_TOKEN is not set: live strategies are not reachable from the browser',
        );
      const jwt = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim();
      const accounts = jwt ? await accountsOf(jwt) : undefined;
      if (!accounts) return refuse(res, 401, 'UNAUTHORIZED', 'sign in to the trade server first');
      const query = req.url.includes('?') ? req.url.slice(req.url.indexOf('?')) : '';
      if (req.method === 'GET' && path === '/api/strategies') {
        const answer = await runtime('GET', path);
        return res.status(answer.status).json(answer.body);
      }
      if (req.method === 'GET' && path === '/api/instances') {
        const answer = await runtime('GET', path);
        const list = Array.isArray(answer.body) ? (answer.body as { account?: string }[]) : [];
        return res
          .status(answer.status)
          .json(list.filter((entry) => accounts.has(entry.account ?? '')));
      }
      if (req.method === 'POST' && path === '/api/instances') {
        const text = await readBody(req);
        let spec: { account?: unknown };
        try {
          spec = JSON.parse(text) as { account?: unknown };
        } catch {
          return refuse(res, 400, 'INVALID_REQUEST', 'the body is not JSON');
        }
        if (typeof spec.account !== 'string' || !accounts.has(spec.account))
          return refuse(res, 403, 'FORBIDDEN', 'an instance trades one of your own accounts');
        const answer = await runtime('POST', path, text);
        return res.status(answer.status).json(answer.body);
      }
      const instance = /^\/api\/instances\/([0-9a-f-]{36})(\/[a-z]+)?$/.exec(path);
      if (instance && ['GET', 'POST', 'PUT', 'DELETE'].includes(req.method)) {
        const owner = await runtime('GET', `/api/instances/${instance[1]}`);
        const account = (owner.body as { account?: string } | undefined)?.account;
        if (owner.status !== 200 || !account || !accounts.has(account))
          return refuse(res, 404, 'NOT_FOUND', `no strategy instance ${instance[1]} of yours`);
        const text =
          req.method === 'GET' || req.method === 'DELETE' ? undefined : await readBody(req);
        const answer = await runtime(req.method, `${path}${query}`, text);
        if (answer.status === 204) return res.status(204).end();
        return res.status(answer.status).json(answer.body);
      }
      return refuse(
        res,
        404,
        'NOT_FOUND',
        `${req.method} /strategy${path} is not open to the browser`,
      );
    } catch (error) {
      return refuse(
        res,
        502,
        'UNREACHABLE',
        `strategy (${config.strategyUrl}) is unreachable: ${(error as Error).message}`,
      );
    }
  });
}
