import request from 'supertest';
import { people } from '../support/builders';
import { auth, sleep, TestApp } from '../support/test-app';

interface Line {
  id: string;
  at: string;
  action: string;
  actor: string;
  actorId: number | null;
  outcome: string;
  campaign: string | null;
  section: string | null;
  deliveryPoint: string | null;
  batchId: string | null;
  personId: number | null;
  address: string | null;
  detail: Record<string, unknown>;
}

/** The audit log: one line per action, written with the action, readable by the lead, never holding signer data. */
describe('the audit log', () => {
  let t: TestApp;
  let lead: { email: string; password: string; token: string };
  beforeAll(async () => {
    t = await TestApp.start();
    lead = await t.person('admin');
  });
  afterAll(() => t?.close());

  const audit = async (query: Record<string, string> = {}): Promise<Line[]> =>
    (await t.http.get('/api/audit').query(query).set(auth(lead.token)).expect(200)).body.lines;
  const packDone = async (slug: string, code: string) => {
    for (let i = 0; i < 600; i++) {
      const { body } = await t.http.get(`/api/campaigns/${slug}/delivery-points/${code}/pack`).set(auth(lead.token)).expect(200);
      if (body.status === 'done') return body;
      await sleep(100);
    }
    throw new Error(`pack of ${code} not done`);
  };

  it('records each action with who, on what and how it ended, newest first, and no signer data', async () => {
    const slug = await t.newCampaign(lead.token);
    const coordinator = await t.person('coordinator', 'NL');
    const kept = await t.uploadAndWait(coordinator.token, slug, 'NL', people(4, 'Auditkept'));
    const withdrawn = await t.uploadAndWait(coordinator.token, slug, 'NL', people(3, 'Auditgone'));
    await t.retract(coordinator.token, withdrawn.id).expect(200);
    const tally = (await t.tally(coordinator.token, slug, 'NL', { count: 12, country: 'NL', note: 'street stall' }).expect(202)).body;
    await t.http.post(`/api/campaigns/${slug}/freeze`).set(auth(lead.token)).expect(200);
    await t.http.post(`/api/campaigns/${slug}/packs`).set(auth(lead.token)).send({}).expect(202);
    await packDone(slug, 'HAGUE');
    await t.http.get(`/api/campaigns/${slug}/delivery-points/HAGUE/pack.pdf`).set(auth(lead.token)).expect(200);
    await t.http.post(`/api/campaigns/${slug}/erase`).set(auth(lead.token)).send({ email: 'auditkept1@example.org' }).expect(200);
    await t.signedInAgent(lead.email, lead.password);
    await t.http.post(`/api/campaigns/${slug}/purge`).set(auth(lead.token)).send({ confirm: slug }).expect(200);

    const lines = await audit({ campaign: slug });
    expect(lines.map((l) => l.action)).toEqual([
      'campaign.purge',
      'packs.generate', // the erasure makes the packs that could list the person again
      'signer.erase',
      'pack.download',
      'packs.generate',
      'campaign.freeze',
      'tally.create',
      'batch.retract',
      'batch.upload',
      'batch.upload',
      'campaign.import',
    ]);
    expect(lines.every((l) => l.campaign === slug && l.outcome === 'ok')).toBe(true);
    const byAction = (action: string) => lines.filter((l) => l.action === action);
    expect(byAction('batch.upload').map((l) => [l.actor, l.section, l.batchId])).toEqual([
      [coordinator.email, 'NL', withdrawn.id],
      [coordinator.email, 'NL', kept.id],
    ]);
    expect(byAction('batch.retract')[0]).toMatchObject({ actor: coordinator.email, batchId: withdrawn.id, detail: { kind: 'signatures', wasStatus: 'done' } });
    expect(byAction('tally.create')[0]).toMatchObject({ batchId: tally.id, deliveryPoint: 'HAGUE', detail: { count: 12, country: 'NL' } });
    expect(byAction('pack.download')[0]).toMatchObject({ actor: lead.email, deliveryPoint: 'HAGUE', detail: { format: 'pdf', volume: 1 } });
    expect(byAction('signer.erase')[0]).toMatchObject({ actor: lead.email, detail: { by: 'e-mail', signaturesDeleted: 1, counted: true } });
    expect(byAction('campaign.purge')[0].detail).toMatchObject({ signatures: 3, batchFiles: 3 });

    // The sign-in is the lead's, not the campaign's; it records where it came from.
    const [signIn] = await audit({ actor: lead.email, action: 'sign-in' });
    expect(signIn).toMatchObject({ outcome: 'ok', campaign: null, actorId: expect.any(Number), address: expect.stringMatching(/127\.0\.0\.1/) });

    // Names, e-mails, cities and notes of signers appear nowhere, not even the erased person's.
    const everything = JSON.stringify(await audit({ limit: '500' }));
    expect(everything).not.toMatch(/auditkept|auditgone|First\d|street stall/i);
  });

  it('records refused sign-ins without writing down an e-mail nobody has', async () => {
    const coordinator = await t.person('coordinator', 'DE');
    const refusedSignIn = async (email: string, password: string) => {
      const agent = request.agent(t.app.getHttpServer());
      const form = await agent.get('/sign-in').expect(200);
      const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)![1];
      await agent.post('/sign-in').type('form').send({ _csrf: csrf, email, password }).expect(401);
    };
    await refusedSignIn(coordinator.email, 'not-the-password');
    await refusedSignIn('nobody-we-know@example.net', 'whatever-password');

    const refused = (await audit({ action: 'sign-in' })).filter((l) => l.outcome === 'refused');
    expect(refused.slice(0, 2)).toEqual([
      expect.objectContaining({ actor: '(unknown e-mail)', actorId: null, detail: { reason: 'unknown e-mail' } }),
      expect.objectContaining({ actor: coordinator.email, detail: { reason: 'wrong password' } }),
    ]);
    expect(JSON.stringify(refused)).not.toContain('nobody-we-know');
  });

  it('records changes to people and tokens, from the API and from the command line', async () => {
    const { id } = (await t.http.get('/api/users').set(auth(lead.token)).expect(200)).body.find((p: { email: string }) => p.email === lead.email);
    const activist = await t.person('activist', 'HAGUE');
    const activistId = (await t.http.get('/api/users').set(auth(lead.token))).body.find((p: { email: string }) => p.email === activist.email).id;
    await t.http.post(`/api/users/${activistId}/token`).set(auth(lead.token)).expect(200);
    await t.http.post(`/api/users/${activistId}/token/revoke`).set(auth(lead.token)).expect(200);
    await t.http.post(`/api/users/${activistId}/disable`).set(auth(lead.token)).expect(200);

    const lines = await audit({ from: new Date(Date.now() - 60_000).toISOString() });
    const about = lines.filter((l) => l.personId === activistId).map((l) => [l.action, l.actor, l.actorId]);
    expect(about).toEqual([
      ['person.disable', lead.email, id],
      ['token.revoke', lead.email, id],
      ['token.renew', lead.email, id],
      ['person.create', 'operator (command line)', null], // TestApp creates people as the CLI does
    ]);
  });

  it('filters by campaign, actor, action and time, and pages with `before`', async () => {
    const first = await t.newCampaign(lead.token);
    const second = await t.newCampaign(lead.token);
    await t.newCampaign(lead.token, { slug: first }); // imported again
    expect((await audit({ campaign: first })).map((l) => l.action)).toEqual(['campaign.import', 'campaign.import']);
    expect(await audit({ campaign: second, action: 'campaign.freeze' })).toEqual([]);
    expect((await audit({ actor: lead.email, action: 'campaign.import' })).length).toBeGreaterThanOrEqual(3);
    expect(await audit({ actor: 'somebody-else@example.org' })).toEqual([]);
    expect(await audit({ to: '2001-01-01' })).toEqual([]);
    expect((await audit({ from: '2001-01-01', campaign: second })).length).toBe(1);

    const [newest, older] = await audit({ limit: '2' });
    const next = await audit({ limit: '2', before: newest.id });
    expect(next[0].id).toBe(older.id);
  });

  it('says which filter is wrong', async () => {
    const { body } = await t.http.get('/api/audit').query({ action: 'dance', from: 'yesterday', limit: '0' }).set(auth(lead.token)).expect(400);
    expect(body.error).toBe('invalid_audit_filter');
    expect(body.message).toMatch(/action "dance" is not one of .*batch\.upload/);
    expect(body.message).toMatch(/from "yesterday" is not a time/);
    expect(body.message).toMatch(/limit must be a whole number from 1 to 500/);
  });

  it('writes the line in the action\'s transaction: an import refused half-way leaves neither a change nor a line', async () => {
    const slug = await t.newCampaign(lead.token);
    await t.uploadAndWait(lead.token, slug, 'DE', people(2, 'Auditorphan'));
    // Dropping section DE would orphan its counted batch: refused after the campaign row was already written.
    const { body } = await t.http
      .put(`/api/campaigns/${slug}`)
      .set(auth(lead.token))
      .send({ ...(await t.http.get(`/api/campaigns/${slug}`).set(auth(lead.token))).body, title: 'Renamed', sections: [{ code: 'NL', name: 'Netherlands', country: 'NL', petition: 'EN', defaultDeliveryPoint: 'HAGUE' }] });
    expect(body.statusCode).toBe(409);
    expect((await t.http.get(`/api/campaigns/${slug}`).set(auth(lead.token))).body.title).toBe('Stop the persecution');
    expect((await audit({ campaign: slug, action: 'campaign.import' })).length).toBe(1);
  });

  it('cannot be changed or deleted, even with SQL', async () => {
    await expect(t.world.sql(`UPDATE audit_log SET actor = 'someone else'`)).rejects.toThrow(/append-only/);
    await expect(t.world.sql('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
    await expect(t.world.sql('TRUNCATE audit_log')).rejects.toThrow(/append-only/);
    expect((await audit()).length).toBeGreaterThan(0);
  });

  it('is the lead\'s alone, in the API and on its page', async () => {
    const coordinator = await t.person('coordinator', 'NL');
    await t.http.get('/api/audit').set(auth(coordinator.token)).expect(403);
    const asCoordinator = await t.signedInAgent(coordinator.email, coordinator.password);
    await asCoordinator.get('/admin/audit').expect(403);

    const asLead = await t.signedInAgent(lead.email, lead.password);
    const page = await asLead.get('/admin/audit').query({ action: 'sign-in' }).expect(200);
    expect(page.text).toContain('Audit log');
    expect(page.text).toContain(coordinator.email); // their sign-in just now
    expect((await asLead.get('/admin/audit').query({ action: 'dance' }).expect(200)).text).toContain('These filters cannot be read');
  });
});
