import { people } from '../support/builders';
import { appWithBrowser, checkPage, signedInVisitor, visitor } from '../support/browser';

/**
 * Journeys 3 and 5: a coordinator cannot open another section's pages by URL (a "not found" page with none of its
 * data); a wrong password is answered in place; signing out ends the session; a form posted without its CSRF
 * token, or after signing out, is refused.
 */
describe('who may see what, and sessions', () => {
  const world = appWithBrowser();

  it("keeps a coordinator out of another section's section and batch pages", async () => {
    const admin = await world.app.token('admin');
    const slug = await world.app.newCampaign(admin);
    const germany = await world.app.ingest(admin, slug, 'DE', people(3, 'berlin'));
    const you = await signedInVisitor(world, 'coordinator', 'NL');

    for (const path of [`/campaigns/${slug}/sections/DE`, `/campaigns/${slug}/sections/DE/upload`, `/batches/${germany.id}`, `/batches/${germany.id}/retract`]) {
      const response = await you.page.goto(path);
      expect({ path, status: response?.status() }).toEqual({ path, status: 404 });
      await expect(you.page.getByRole('heading', { level: 1 }).innerText()).resolves.toBe('Page not found');
      const text = await you.page.locator('main').innerText();
      expect(text).not.toMatch(/berlin|Germany|export\.csv/i);
    }
    await checkPage(you.page, 'not-found');
    // The same rule in the API, with the same session.
    expect((await you.context.request.get(`/api/batches/${germany.id}`)).status()).toBe(404);
    expect((await you.context.request.get(`/api/campaigns/${slug}/sections/DE/preset`)).status()).toBe(403);
    // An activist's page is not a coordinator's either: a friendly "not for your role" page.
    const response = await you.page.goto(`/campaigns/${slug}/delivery-points/HAGUE`);
    expect(response?.status()).toBe(403);
    await checkPage(you.page, 'forbidden');
    expect(you.foreignRequests).toEqual([]);
  });

  it('answers a wrong password in place, ends the session at sign-out and refuses forms without a valid CSRF token', async () => {
    const admin = await world.app.token('admin');
    const slug = await world.app.newCampaign(admin);
    const coordinator = await world.app.person('coordinator', 'NL');
    const you = await visitor(world.browser, world.app.baseUrl);
    const { page, context } = you;

    await page.goto(`/campaigns/${slug}/sections/NL`);
    await page.waitForURL(/\/sign-in\?next=/); // not signed in: sent to sign in first, and back afterwards
    await page.getByLabel('E-mail address').fill(coordinator.email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.locator('#password-error').innerText()).resolves.toContain('not right');
    await checkPage(page, 'sign-in-wrong-password');
    await page.getByLabel('Password').fill(coordinator.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(new RegExp(`/campaigns/${slug}/sections/NL$`));

    // A state-changing form posted without its token is refused, and nothing is counted.
    const tallies = `/campaigns/${slug}/sections/NL/tallies`;
    const forged = await context.request.post(tallies, { form: { count: '50', country: 'NL' }, maxRedirects: 0 });
    expect(forged.status()).toBe(403);
    await page.goto(tallies);
    // The note field stops where the server would refuse (MAX_NOTE_CHARS), so a long note never reaches an error page.
    expect(await page.locator('#note').getAttribute('maxlength')).toBe(String(world.app.world.config.maxNoteChars));
    const token = await page.locator('form.card input[name=_csrf]').inputValue();
    expect((await context.request.post(tallies, { form: { _csrf: token, count: '7' }, maxRedirects: 0 })).status()).toBe(303);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You are signed out.').waitFor();
    await checkPage(page, 'signed-out');
    // The session is gone: pages send to sign-in, the API answers 401, and the old token is worth nothing.
    expect((await context.request.get(`/api/campaigns/${slug}/totals`)).status()).toBe(401);
    const after = await context.request.post(tallies, { form: { _csrf: token, count: '9' }, maxRedirects: 0 });
    expect(after.status()).toBe(403);
    await page.goto(`/campaigns/${slug}/sections/NL`);
    await page.waitForURL(/\/sign-in/);
    expect((await world.app.totals(admin, slug)).offline).toBe(7);
    expect(you.foreignRequests).toEqual([]);
  });
});
