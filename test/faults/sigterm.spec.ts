import { readdir } from 'node:fs/promises';
import { Agent, request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { faultCaused } from '../support/fault-results';
import { FaultStack } from '../support/fault-stack';
import { recovered } from '../support/recount';
import { largeExport } from '../support/signature-exports';

/**
 * An upload whose first half is sent at once and the rest only on `finish()`, so that it is still arriving when the
 * test acts. Resolves with the API's answer. `agent` keeps its connection for the next request, as a proxy does.
 */
function uploadInTwoHalves(stack: FaultStack, path: string, bytes: Buffer, agent: Agent) {
  const boundary = `fault-suite-${Date.now()}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="export.csv"\r\nContent-Type: text/csv\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const half = Math.floor(bytes.length / 2);
  const request = httpRequest(`${stack.baseUrl}${path}`, {
    agent,
    method: 'POST',
    headers: {
      Authorization: `Bearer ${stack.admin}`,
      'Content-Type': `multipart/form-data; boundary=${boundary}`,
      'Content-Length': head.length + bytes.length + tail.length,
    },
  });
  const answer = new Promise<{ status: number; body: any }>((resolve, reject) => {
    request.on('error', reject);
    request.on('response', (response) => {
      let text = '';
      response.on('data', (chunk) => (text += chunk)).on('end', () => resolve({ status: response.statusCode!, body: JSON.parse(text) }));
    });
  });
  request.write(Buffer.concat([head, bytes.subarray(0, half)]));
  return { answer, finish: () => request.end(Buffer.concat([bytes.subarray(half), tail])) };
}

/**
 * What a request gets from the API: its status, or the error code when it is not answered. Over a new connection,
 * or over `agent`'s kept-alive one.
 */
function answerTo(stack: FaultStack, agent: Agent | false = false): Promise<string> {
  return new Promise((resolve) => {
    const request = httpRequest(`${stack.baseUrl}/health/live`, { agent }, (response) => {
      response.resume().on('end', () => resolve(String(response.statusCode)));
    });
    request.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    request.end();
  });
}

/**
 * Fault 7: SIGTERM (a deploy, an orchestrator scaling down) to a worker and to the API in the middle of work. A job
 * in flight either finishes or runs again safely; the API stops taking new requests before anything else and
 * finishes the ones it has.
 */
describe('fault 7: SIGTERM to a worker and to the API during work', () => {
  let stack: FaultStack;

  beforeAll(async () => {
    stack = await FaultStack.start('sigterm');
  });
  afterAll(() => stack?.stop());

  it('a worker told to stop while it parses exits, and its work is finished exactly once', async () => {
    const { slug } = await stack.newCampaign('sigterm-worker');
    const file = largeExport(150_000);
    const batchId = await stack.uploadParsedByAll(slug, 'NL', file.bytes);

    const fault = faultCaused(7, 'SIGTERM 1 of 2 workers during parse (150,000 rows)');
    const [victim] = stack.running();
    await stack.signalWorkers('SIGTERM', [victim]);
    // It finished (or gave back) its chunk and exited, in less than a job lock.
    expect(Date.now() - fault.since).toBeLessThan(30_000);

    await recovered(stack, slug, { online: file.people.size }, fault);
    expect(await stack.batch(batchId)).toMatchObject({ status: 'done', accepted: file.accepted, counted: file.people.size });
    await stack.startWorker();
  });

  it('the API told to stop mid-upload takes no more requests, still answers the upload, and the batch counts', async () => {
    const { slug } = await stack.newCampaign('sigterm-api');
    const file = largeExport(30_000);
    const client = new Agent({ keepAlive: true, maxSockets: 1 });
    const upload = uploadInTwoHalves(stack, `/api/campaigns/${slug}/sections/DE/batches`, file.bytes, client);
    const arriving = async () => (await readdir(join(stack.env.STORAGE_DIR!, 'tmp')).catch(() => [])).length > 0;
    await stack.until('the upload to arrive in the file store', arriving, { timeoutMs: 10_000, everyMs: 10 });

    const fault = faultCaused(7, 'SIGTERM to the API mid-upload (then restarted)');
    const api = stack.api!;
    api.child.kill('SIGTERM');
    const answers: string[] = [];
    const refused = async () => {
      answers.push(await answerTo(stack));
      return answers[answers.length - 1] === 'ECONNREFUSED';
    };
    await stack.until('the API to refuse new connections', refused, { timeoutMs: 5_000, everyMs: 20 });
    // Taken before the signal was handled (200), or told that it is stopping (503); never half served.
    expect(answers.filter((answer) => !['200', '503', 'ECONNREFUSED'].includes(answer))).toEqual([]);
    expect(api.running).toBe(true); // it still has the upload to finish

    upload.finish();
    const { status, body } = await upload.answer;
    expect({ status, batch: body.status }).toEqual({ status: 202, batch: 'queued' });
    // The upload's connection, kept alive by the client: a request on it now is not taken either.
    expect(['503', 'ECONNRESET']).toContain(await answerTo(stack, client));
    client.destroy();
    await api.exited;

    await stack.startApi();
    await recovered(stack, slug, { online: file.people.size }, fault);
  });
});
