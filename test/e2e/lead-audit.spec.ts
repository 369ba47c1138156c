import { people } from '../support/builders';
import { appWithBrowser, checkPage, signedInVisitor } from '../support/browser';

/** The campaign lead reads the audit log: from their home page, filtered to one campaign's retractions. */
describe('the audit log page', () => {
  const world = appWithBrowser();

  it('shows the lead who did what, filters by campaign and action, and never a signer', async () => {
    const admin = await world.app.token('admin');
    const slug = await world.app.newCampaign(admin);
    const coordinator = await world.app.token('coordinator', 'NL');
    const batch = await world.app.ingest(coordinator, slug, 'NL', people(3, 'Auditpage'));
    await world.app.retract(coordinator, batch.id).expect(200);

    const lead = await signedInVisitor(world, 'admin');
    const { page } = lead;
    await page.goto('/');
    await page.getByRole('link', { name: /Audit log/ }).click();
    await page.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();
    await page.getByLabel('Campaign').selectOption(slug);
    await page.getByLabel('Action').selectOption('batch.retract');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL(/action=batch.retract/);

    const rows = page.getByTestId('audit-lines').locator('tbody tr');
    await expect(rows.count()).resolves.toBe(1);
    const row = await rows.first().innerText();
    expect(row).toContain('File retracted');
    expect(row).toContain(slug);
    expect(row).toContain('section NL');
    expect(await page.locator('main').innerText()).not.toMatch(/Auditpage/i);
    await checkPage(page, 'lead-audit');
    expect(lead.foreignRequests).toEqual([]);
  });
});
