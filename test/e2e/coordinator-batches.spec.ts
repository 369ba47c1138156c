import { readFile } from 'node:fs/promises';
import { csv, people } from '../support/builders';
import { appWithBrowser, checkPage, signedInVisitor } from '../support/browser';

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

/**
 * Journey 2: a coordinator sees why rows were refused, downloads the list, is told plainly what is wrong with
 * an empty file, an image and a tally of −5, and retracts a batch after a confirmation that says how many
 * people it removes, after which the section's total falls.
 */
describe('a coordinator fixes and retracts', () => {
  const world = appWithBrowser();

  it('shows refused rows, answers bad input in place, and retracts with the consequence named', async () => {
    const admin = await world.app.token('admin');
    const slug = await world.app.newCampaign(admin);
    const good = people(5, 'keep', '2017-05-10T10:00:00Z');
    const bad = [
      { first: 'No', last: 'Email', email: 'not-an-address', signed: '2017-05-02T10:00:00Z' },
      { email: 'nameless@example.org', signed: '2017-05-02T10:00:00Z' },
    ];
    // Two people of the file retracted below signed there earlier than in this first file, so they count through
    // it; retracting it moves them back here.
    const kept = await world.app.ingest(admin, slug, 'NL', good);
    expect(kept.counted).toBe(5);

    const you = await signedInVisitor(world, 'coordinator', 'NL');
    const { page } = you;
    await expect(page.getByTestId('section-total').innerText()).resolves.toBe('5');

    // Bad files are answered on the upload page, and nothing is counted.
    await page.goto(`/campaigns/${slug}/sections/NL/upload`);
    await page.locator('#file').setInputFiles({ name: 'empty.csv', mimeType: 'text/csv', buffer: Buffer.alloc(0) });
    await expect(page.getByTestId('check-problem').innerText()).resolves.toContain('The file is empty');
    await checkPage(page, 'coordinator-upload-empty-file');
    await page.locator('#file').setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: PNG });
    await page.getByTestId('check-problem').filter({ hasText: 'PNG image' }).waitFor();

    const rows = [...people(3, 'new'), ...people(2, 'keep', '2017-05-01T10:00:00Z'), ...bad];
    await page.locator('#file').setInputFiles({ name: 'mixed.csv', mimeType: 'text/csv', buffer: Buffer.from(csv(rows)) });
    await page.getByRole('button', { name: 'Count these 5 signatures' }).click();
    await page.waitForURL(/\/batches\//);
    await page.locator('#batch-status[data-status="done"]').waitFor({ timeout: 60000 });
    await expect(page.getByTestId('counted').innerText()).resolves.toBe('3');
    const refused = await page.getByTestId('rejected-rows').innerText();
    expect(refused).toContain('e-mail not well formed');
    expect(refused).toContain('no name');
    expect(refused).not.toContain('nameless@example.org'); // the report never repeats an e-mail
    await page.getByTestId('section-total').filter({ hasText: '8' }).waitFor();

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download the refused rows (CSV)' }).click()]);
    const report = await readFile((await download.path())!, 'utf8');
    expect(report.split('\n')[0]).toMatch(/^row,reason,explanation/);
    expect(report).toContain('invalid_email');
    expect(report).toContain('missing_name');

    await page.getByRole('link', { name: 'Retract this file…' }).click();
    await expect(page.getByTestId('retract-effect').innerText()).resolves.toBe('3 people will no longer count.');
    await expect(page.getByText('2 people from this file also signed in other files').count()).resolves.toBe(1);
    await checkPage(page, 'coordinator-retract-confirm');
    await page.getByRole('button', { name: 'Yes, retract it' }).click();
    await page.waitForURL(new RegExp(`/campaigns/${slug}/sections/NL\\?retracted=`));
    await page.getByTestId('section-total').filter({ hasText: /^5$/ }).waitFor({ timeout: 30000 }).catch(async () => {
      await page.reload(); // the totals are refreshed by the queue right after the retraction
      await page.getByTestId('section-total').filter({ hasText: /^5$/ }).waitFor();
    });
    expect((await world.app.totals(admin, slug)).online).toBe(5);

    // A tally of −5 is refused with a message at the field, and nothing is counted.
    await page.getByRole('link', { name: 'Enter a paper tally' }).click();
    await page.getByLabel('Number of signatures').fill('-5');
    await page.getByRole('button', { name: 'Add the tally' }).click();
    await expect(page.locator('#count-error').innerText()).resolves.toContain('whole number greater than 0');
    await checkPage(page, 'coordinator-tally-error');
    await page.getByLabel('Number of signatures').fill('120');
    await page.getByLabel('Country of the signers').fill('Belgium');
    await page.getByLabel('Note').fill('Pride stand');
    await page.getByRole('button', { name: 'Add the tally' }).click();
    await page.getByText('The tally is added and counted.').waitFor();
    await expect(page.getByTestId('tallies').innerText()).resolves.toContain('BE');
    await checkPage(page, 'coordinator-tallies');
    expect((await world.app.totals(admin, slug)).offline).toBe(120);

    expect(you.foreignRequests).toEqual([]);
  });
});
