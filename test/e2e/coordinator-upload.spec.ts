import { appWithBrowser, checkPage, signedInVisitor } from '../support/browser';

/**
 * Journey 1: a coordinator checks a semicolon export whose headers Handin does not know, maps its columns in
 * the form, saves them as the section's preset, counts the batch and watches it finish without reloading; a
 * second export with the same headers then needs no mapping.
 */
describe('a coordinator counts an export with unknown headers', () => {
  const world = appWithBrowser();

  const header = 'Wie;Contact;Herkomst;Woonplaats;Wanneer';
  const exportOf = (people: [string, string, string, string, string][]) => Buffer.from([header, ...people.map((p) => p.join(';'))].join('\r\n') + '\r\n');
  const first = exportOf([
    ['Sanne de Vries', 'sanne@example.org', 'NL', 'Utrecht', '13-05-2017'],
    ['Jürgen Groß', 'juergen@example.org', 'DE', 'Köln', '02-05-2017'],
    ['Ольга Смирнова', 'olga@example.org', 'NL', 'Amsterdam', '04-05-2017'],
    ['', 'nobody@example.org', 'NL', 'Delft', '04-05-2017'], // no name: refused
  ]);
  const second = exportOf([
    ['Pieter Bakker', 'pieter@example.org', 'NL', 'Leiden', '20-05-2017'],
    ['Sanne de Vries', 'SANNE@example.org', 'NL', 'Utrecht', '21-05-2017'], // counted already in the first file
  ]);

  it('maps, saves the preset, counts and sees the numbers change live; the next file needs no mapping', async () => {
    const admin = await world.app.token('admin');
    const slug = await world.app.newCampaign(admin);
    const you = await signedInVisitor(world, 'coordinator', 'NL');
    const { page } = you;
    expect(new URL(page.url()).pathname).toBe(`/campaigns/${slug}/sections/NL`);
    await expect(page.getByTestId('section-total').innerText()).resolves.toBe('0');
    await checkPage(page, 'coordinator-section-empty');

    await page.getByRole('link', { name: 'Check and count a file' }).click();
    await page.locator('#file').setInputFiles({ name: 'website-export.csv', mimeType: 'text/csv', buffer: first });
    await expect(page.getByText('Some columns need your choice.').waitFor()).resolves.toBeUndefined();
    // The form starts from what the headers tell (Woonplaats is a city) and shows example values per column.
    await expect(page.locator('#map_city').inputValue()).resolves.toBe('Woonplaats');
    await expect(page.locator('#map_full_name option', { hasText: 'Sanne de Vries' }).count()).resolves.toBe(1);
    await expect(page.locator('#map_full_name option', { hasText: 'sanne@example.org' }).count()).resolves.toBe(0); // e-mails are masked
    await checkPage(page, 'coordinator-upload-mapping');

    await page.locator('#map_full_name').selectOption('Wie');
    await page.locator('#map_email').selectOption('Contact');
    await page.locator('#map_country').selectOption('Herkomst');
    await page.locator('#map_signed_at').selectOption('Wanneer');
    await page.getByLabel('Date format').fill('DD-MM-YYYY');
    await page.getByRole('button', { name: 'Check again with these choices' }).click();
    await page.getByRole('button', { name: 'Count these 3 signatures' }).waitFor();
    await expect(page.getByTestId('will-be-refused').innerText()).resolves.toBe('1');
    await expect(page.getByTestId('sample-rows').innerText()).resolves.toContain('Ольга Смирнова');
    await checkPage(page, 'coordinator-upload-checked');

    await page.getByLabel('Remember these choices for section NL').check();
    await page.getByRole('button', { name: 'Count these 3 signatures' }).click();
    await page.waitForURL(/\/batches\/[0-9a-f-]{36}$/);
    let navigations = 0;
    page.on('framenavigated', (frame) => frame === page.mainFrame() && navigations++);
    // htmx polls the batch's status; the page itself is never reloaded.
    await page.locator('#batch-status[data-status="done"]').waitFor({ timeout: 60000 });
    await expect(page.getByTestId('counted').innerText()).resolves.toBe('3');
    await expect(page.getByTestId('rejected').innerText()).resolves.toBe('1');
    await page.getByTestId('section-total').filter({ hasText: '3' }).waitFor();
    expect(navigations).toBe(0);
    await checkPage(page, 'coordinator-batch-done');

    // The next export with the same headers is read with the saved preset: no column choices needed.
    await page.goto(`/campaigns/${slug}/sections/NL/upload`);
    await page.locator('#file').setInputFiles({ name: 'website-export-2.csv', mimeType: 'text/csv', buffer: second });
    await page.getByRole('button', { name: 'Count these 2 signatures' }).waitFor();
    await expect(page.getByText('Some columns need your choice.').count()).resolves.toBe(0);
    await page.getByRole('button', { name: 'Count these 2 signatures' }).click();
    await page.waitForURL(/\/batches\//);
    await page.locator('#batch-status[data-status="done"]').waitFor({ timeout: 60000 });
    await expect(page.getByTestId('counted').innerText()).resolves.toBe('1');
    await page.getByTestId('section-total').filter({ hasText: '4' }).waitFor();

    // The section page lists both files as counted, and the same file again is recognised before counting.
    await page.goto(`/campaigns/${slug}/sections/NL`);
    await expect(page.getByTestId('batches').locator('tbody tr').count()).resolves.toBe(2);
    await checkPage(page, 'coordinator-section');
    await page.goto(`/campaigns/${slug}/sections/NL/upload`);
    await page.locator('#file').setInputFiles({ name: 'again.csv', mimeType: 'text/csv', buffer: second });
    await page.getByTestId('already-uploaded').waitFor();
    await expect(page.getByRole('button', { name: /Count these/ }).count()).resolves.toBe(0);

    expect(you.foreignRequests).toEqual([]);
  });

  it('asks which way dates read when the values allow both, and counts once answered', async () => {
    const admin = await world.app.token('admin');
    const slug = await world.app.newCampaign(admin);
    const you = await signedInVisitor(world, 'coordinator', 'NL');
    const { page } = you;
    // Every date reads both ways (no day past the 12th): Handin must not guess.
    const file = ['Name,Email,Date', 'Lotte Visser,lotte@example.org,01/05/2017', 'Bram de Boer,bram@example.org,02/05/2017'].join('\n');
    await page.goto(`/campaigns/${slug}/sections/NL/upload`);
    await page.locator('#file').setInputFiles({ name: 'ambiguous.csv', mimeType: 'text/csv', buffer: Buffer.from(file) });
    await page.getByTestId('reading-question').waitFor();
    await expect(page.getByRole('button', { name: /Count these/ }).count()).resolves.toBe(0);
    await checkPage(page, 'coordinator-upload-date-question');
    await page.getByLabel(/1 May 2017|May 1, 2017/).check();
    await page.getByRole('button', { name: 'Check again with these choices' }).click();
    await page.getByRole('button', { name: 'Count these 2 signatures' }).click();
    await page.waitForURL(/\/batches\//);
    await page.locator('#batch-status[data-status="done"]').waitFor({ timeout: 60000 });
    await expect(page.getByTestId('counted').innerText()).resolves.toBe('2');
    const totals = await world.app.totals(admin, slug);
    expect(totals.byDay.map((d: { day: string }) => d.day)).toEqual(['2017-05-01', '2017-05-02']);
    expect(you.foreignRequests).toEqual([]);
  });
});
