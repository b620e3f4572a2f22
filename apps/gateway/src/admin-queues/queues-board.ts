import { STATUS_CODES } from 'node:http';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter as BoardFastifyAdapter } from '@bull-board/fastify';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ALL_QUEUES, QueueFactory } from '#libs/queue';
import { ApiKeyGuard } from '../auth/api-key.guard.js';
import { ProblemException } from '../common/problem-details.filter.js';
import { PROBLEM_CONTENT_TYPE, problemType } from '../common/problem.js';

export const QUEUES_BOARD_PATH = '/admin/queues';
export const QUEUES_BOARD_REALM = 'Pasarela queues';

/**
 * Bull Board at /admin/queues: every queue in QueueName, job detail, retry, clean. Its routes are
 * plain Fastify routes (Nest's guard and Swagger never see them; they are hidden from the API
 * document), so this scope checks the key itself with the gateway's own guard: `admin` only, and
 * HTTP Basic accepted because QA opens it in a browser.
 */
export async function mountQueuesBoard(app: NestFastifyApplication): Promise<void> {
  const factory = app.get(QueueFactory);
  const guard = app.get(ApiKeyGuard);
  const board = new BoardFastifyAdapter();
  board.setBasePath(QUEUES_BOARD_PATH);
  createBullBoard({
    queues: ALL_QUEUES.map((name) => new BullMQAdapter(factory.queue(name))),
    serverAdapter: board,
    options: {
      uiConfig: {
        boardTitle: 'Pasarela queues',
        environment: { label: factory.backend === 'redis' ? 'BullMQ on Redis' : 'BullMQ Postgres backend', color: '#334155' },
      },
    },
  });
  const fastify = app.getHttpAdapter().getInstance();
  await fastify.register(async (scope) => {
    scope.addHook('onRequest', async (req, reply) => {
      try {
        if (crossSiteWrite(req)) throw new ProblemException(403, 'cross_origin_write', 'the queue dashboard takes changes only from its own pages');
        await guard.authorize(req, reply, ['admin'], { basic: true });
      } catch (err) {
        if (!(err instanceof ProblemException)) throw err;
        return sendProblem(req, reply, err);
      }
    });
    await scope.register(board.registerPlugin(), { prefix: QUEUES_BOARD_PATH });
  });
}

/**
 * A browser replays Basic credentials on every request to this path, a foreign site's form post
 * included; the board's own retries and cleans are same-origin fetches, so a write from another
 * origin is refused. Clients that send no Origin (curl, services) are not browsers and pass.
 */
function crossSiteWrite(req: FastifyRequest): boolean {
  if (req.method === 'GET' || req.method === 'HEAD') return false;
  const origin = req.headers.origin;
  if (typeof origin !== 'string') return false;
  try {
    return new URL(origin).host !== req.headers.host;
  } catch {
    return true;
  }
}

// The same problem+json the API answers with; a 401 asks the browser for credentials.
function sendProblem(req: FastifyRequest, reply: FastifyReply, err: ProblemException): FastifyReply {
  const status = err.getStatus();
  for (const [k, v] of Object.entries(err.headers ?? {})) void reply.header(k, v);
  if (status === 401) void reply.header('www-authenticate', `Basic realm="${QUEUES_BOARD_REALM}"`);
  return reply
    .status(status)
    .header('content-type', PROBLEM_CONTENT_TYPE)
    .send({ type: problemType(err.code), title: STATUS_CODES[status] ?? 'Error', status, detail: err.message, instance: req.url.split('?')[0], code: err.code, request_id: String(req.id) });
}
