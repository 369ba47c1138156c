import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { faultCaused, faultNotRun } from '../support/fault-results';
import { FaultStack } from '../support/fault-stack';
import { faultsSetting } from '../support/private-servers';
import { exactTotals, recovered } from '../support/recount';
import { largeExport } from '../support/signature-exports';
import { emptyDisk, fillDisk, mountSmallDisk, unmountSmallDisk } from '../support/small-disk';

const DELIVERY_POINTS = ['HAGUE', 'BERLIN', 'PARIS', 'SYDNEY', 'CANBERRA'];
/** The file store of this file: a 16 MB disk of its own, which the tests fill. */
const STORE = join(faultsSetting('FAULTS_DATA'), 'disk-full', 'store');
const notMounted = mountSmallDisk(STORE, 16);
if (notMounted) faultNotRun(8, 'the file store’s disk full during an upload and during the packs', notMounted);

/** The files left in a folder of the store (none when it does not exist). */
const filesIn = (folder: string) => readdir(join(STORE, folder), { recursive: true }).catch(() => []);

/**
 * Fault 8: the disk of the file store full during an upload and during a pack. The coordinator and the lead get a
 * clear error, nothing is counted or kept from a half-written file, and once there is room again the same upload
 * and the same packs go through.
 */
(notMounted ? describe.skip : describe)('fault 8: the file store’s disk full', () => {
  let stack: FaultStack;

  beforeAll(async () => {
    stack = await FaultStack.start('disk-full', { storageDir: STORE });
  });
  afterAll(async () => {
    await stack?.stop();
    unmountSmallDisk(STORE);
  });

  it('an upload that fills the disk is refused with a clear error and leaves nothing; sent again later, it counts', async () => {
    const { slug } = await stack.newCampaign('full-upload');
    const file = largeExport(30_000); // ~1.9 MB
    await fillDisk(STORE, 256 * 1024);
    const fault = faultCaused(8, 'disk full during an upload (507), then room again and the same upload');
    // The failed write destroys busboy's file stream, so the upload must end there (it used to hang until the timeout).
    const refused = await stack.upload(slug, 'NL', file.bytes).timeout(30_000);
    expect({ status: refused.status, error: refused.body.error }).toEqual({ status: 507, error: 'storage_full' });
    expect(refused.body.message).toMatch(/disk is full/);
    expect(await filesIn('tmp')).toEqual([]); // the half-written upload is gone
    expect(await stack.sql('SELECT id FROM batches')).toEqual([]);
    await fillDisk(STORE, 0); // the room the refused upload gave back: what the people on duty see of a full disk
    expect((await stack.http.get('/health/ready')).body.checks.storage).toMatch(/^down/);

    await emptyDisk(STORE);
    await stack.upload(slug, 'NL', file.bytes).expect(202);
    await recovered(stack, slug, { online: file.people.size }, fault);
  });

  it('a pack drawn on a full disk fails with a clear error and leaves no file; asked again with room, the packs match the totals', async () => {
    await emptyDisk(STORE);
    const { slug, id } = await stack.newCampaign('full-packs');
    const file = largeExport(30_000, 100_000); // Berlin's list: ~1 MB of CSV, and a PDF of some 600 pages
    await stack.upload(slug, 'DE', file.bytes).expect(202);
    await exactTotals(stack, slug, { online: file.people.size });

    await fillDisk(STORE, 128 * 1024);
    const fault = faultCaused(8, 'disk full during the packs (failed), then room again and packs asked again');
    await stack.http.post(`/api/campaigns/${slug}/packs`).expect(202);
    const packOf = async (code: string) => (await stack.http.get(`/api/campaigns/${slug}/delivery-points/${code}/pack`).expect(200)).body;
    const settled = async () => (await Promise.all(DELIVERY_POINTS.map(packOf))).every((pack) => ['done', 'failed'].includes(pack.status));
    await stack.until('every pack to be done or failed', settled, { timeoutMs: 120_000, everyMs: 500 });
    // Berlin's list did not fit; the empty packs of the other delivery points may have.
    expect(await packOf('BERLIN')).toMatchObject({ status: 'failed', error: expect.stringMatching(/disk is full/) });
    await stack.http.get(`/api/campaigns/${slug}/delivery-points/BERLIN/pack.pdf`).expect(409);
    for (const pack of await stack.sql(`SELECT id FROM packs WHERE campaign_id = $1 AND status = 'failed'`, [id])) {
      expect(await filesIn(`packs/${pack.id}`)).toEqual([]); // no half-written PDF or list kept
    }

    await emptyDisk(STORE);
    await stack.http.post(`/api/campaigns/${slug}/packs`).expect(202);
    await stack.until('every pack to be done', async () => (await Promise.all(DELIVERY_POINTS.map(packOf))).every((pack) => pack.status === 'done'), { timeoutMs: 120_000, everyMs: 500 });
    await recovered(stack, slug, { online: file.people.size }, fault);
    const totals = await stack.totals(slug);
    for (const code of DELIVERY_POINTS) {
      const share = totals.byDeliveryPoint.find((s: { deliveryPoint: string }) => s.deliveryPoint === code);
      expect({ code, online: (await packOf(code)).online }).toEqual({ code, online: share?.online ?? 0 });
    }
  });
});
