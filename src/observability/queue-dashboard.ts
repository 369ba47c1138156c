import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { createBullBoard } from '@bull-board/api';
import { ExpressAdapter } from '@bull-board/express';
import { Queue } from 'bullmq';
import { Router } from 'express';

export const QUEUE_DASHBOARD_PATH = '/admin/queues';

/**
 * Bull Board over every queue, read-only: the people on duty see what waits, runs and failed, with each job's
 * data and error, but cannot remove or promote jobs by hand. A batch's stages are one flow whose state the
 * batch follows, so a job removed or retried outside it could leave a batch stuck; BullMQ retries by itself.
 */
export function queueDashboard(queues: Queue[]): Router {
  const server = new ExpressAdapter();
  server.setBasePath(QUEUE_DASHBOARD_PATH);
  createBullBoard({
    queues: queues.map((queue) => new BullMQAdapter(queue, { readOnlyMode: true })),
    serverAdapter: server,
    options: { uiConfig: { boardTitle: 'Handin queues' } },
  });
  return server.getRouter() as Router;
}
