import { readFile } from 'node:fs/promises';
import { campaignDefinition, people } from '../support/builders';
import { appWithBrowser, checkPage, PHONE, signedInVisitor } from '../support/browser';
import { pdfText } from '../support/pdf';
import { sleep } from '../support/test-app';

/**
 * Journey 4: an activist on a phone (390 px) signs in, sees where and when to hand in and the number on their
 * pack, downloads the pack's PDF (whose cover states the same number), and is refused another embassy's page.
 */
describe("an activist's pack page", () => {
  const world = appWithBrowser();

  it('shows the pack on a phone and downloads it; another embassy is not found', async () => {
    const admin = await world.app.token('admin');
    const base = campaignDefinition();
    const deliveryPoints = base.deliveryPoints.map((d) => (d.code === 'HAGUE' ? { ...d, handInAt: '2017-06-02T11:00:00+02:00' } : d));
    const slug = await world.app.newCampaign(admin, { deliveryPoints });
    await world.app.ingest(admin, slug, 'NL', people(12, 'hague'));
    await world.app.ingest(admin, slug, 'DE', people(4, 'berlin'));
    await world.app.http.post(`/api/campaigns/${slug}/sections/NL/batches`).set('Authorization', `Bearer ${admin}`).send({ kind: 'tally', count: 30, country: 'NL' }).expect(202);
    await world.app.waitForIdle();
    await world.app.http.post(`/api/campaigns/${slug}/packs`).set('Authorization', `Bearer ${admin}`).send({}).expect(202);
    for (let i = 0; i < 600; i++) {
      const { body } = await world.app.http.get(`/api/campaigns/${slug}/delivery-points/HAGUE/pack`).set('Authorization', `Bearer ${admin}`);
      if (body.status === 'done') break;
      await sleep(100);
    }

    const you = await signedInVisitor(world, 'activist', 'HAGUE', PHONE);
    const { page } = you;
    expect(new URL(page.url()).pathname).toBe(`/campaigns/${slug}/delivery-points/HAGUE`);
    await expect(page.locator('.context').innerText()).resolves.toContain('11:00');
    await expect(page.locator('.context').innerText()).resolves.toContain('UTC+02:00');
    const shown = await page.getByTestId('pack-signatures').innerText();
    expect(shown).toBe('42'); // 12 online + 30 on paper
    // The number and the download are visible without scrolling on the phone.
    const download = page.getByTestId('pack-volume');
    expect((await download.boundingBox())!.y + (await download.boundingBox())!.height).toBeLessThanOrEqual(PHONE.height);
    await checkPage(page, 'activist-pack');

    const [file] = await Promise.all([page.waitForEvent('download'), download.click()]);
    const pdf = await readFile((await file.path())!);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const cover = await pdfText(pdf, { first: 1, last: 1 });
    expect(cover).toContain(shown);

    const response = await page.goto(`/campaigns/${slug}/delivery-points/BERLIN`);
    expect(response?.status()).toBe(404);
    expect(await page.locator('main').innerText()).not.toContain('Berlin');
    expect((await you.context.request.get(`/api/campaigns/${slug}/delivery-points/BERLIN/pack.pdf`)).status()).toBe(403);
    expect(you.foreignRequests).toEqual([]);
  });
});
