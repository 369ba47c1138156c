import { campaignDefinition, csv, people, SignerRow } from '../support/builders';
import { TestApp } from '../support/test-app';

/**
 * Who counts as the same person, and where that person counts (docs/design.md "Dedupe keys", "Routing",
 * invariant 4). Each test imports its own campaign, so its totals start at zero and can be checked exactly.
 */
describe('dedupe: every person counts once, where they signed first', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    ({ t, admin } = await TestApp.startAsAdmin());
  });
  afterAll(() => t.close());

  /** A breakdown as `{key: online}`, e.g. `{NL: 3, DE: 2}`. */
  const online = (items: Record<string, any>[], key: string) => Object.fromEntries(items.map((i) => [i[key], i.online]));

  describe('a signer in two sections counts once, for the earlier signature', () => {
    const earlier = { first: 'Petra', last: 'Both', email: 'petra.both@example.org', signed: '2017-05-01T10:00:00Z' };
    const later = { first: 'Petra', last: 'Both', email: 'Petra.Both@Example.org', signed: '2017-05-05T10:00:00Z' };

    it('earlier signature uploaded first: the later one is a duplicate and changes nothing', async () => {
      const slug = await t.newCampaign(admin);
      const nl = await t.ingest(admin, slug, 'NL', [earlier, ...people(2, 'nl-only')]);
      const de = await t.ingest(admin, slug, 'DE', [later, ...people(3, 'de-only')]);

      expect(nl).toMatchObject({ accepted: 3, duplicatesInBatch: 0, duplicatesExisting: 0, counted: 3 });
      expect(de).toMatchObject({ accepted: 4, duplicatesInBatch: 0, duplicatesExisting: 1, counted: 3 });
      const body = await t.totals(admin, slug);
      expect(body.online).toBe(6);
      expect(online(body.bySection, 'section')).toEqual({ NL: 3, DE: 3 });
      expect(online(body.byCountry, 'country')).toEqual({ NL: 3, DE: 3 });
      expect(online(body.byDeliveryPoint, 'deliveryPoint')).toEqual({ HAGUE: 3, BERLIN: 3 });
    });

    it('earlier signature uploaded second: the attribution moves to it', async () => {
      const slug = await t.newCampaign(admin);
      const de = await t.ingest(admin, slug, 'DE', [later, ...people(3, 'de-only')]);
      const afterDe = await t.totals(admin, slug);
      expect(online(afterDe.bySection, 'section')).toEqual({ DE: 4 });
      expect(online(afterDe.byDay, 'day')).toEqual({ '2017-05-01': 3, '2017-05-05': 1 });

      const nl = await t.ingest(admin, slug, 'NL', [earlier, ...people(2, 'nl-only')]);
      expect(de).toMatchObject({ accepted: 4, duplicatesInBatch: 0, duplicatesExisting: 0, counted: 4 });
      expect(nl).toMatchObject({ accepted: 3, duplicatesInBatch: 0, duplicatesExisting: 1, counted: 2 });

      const body = await t.totals(admin, slug);
      expect(body.online).toBe(6);
      expect(online(body.bySection, 'section')).toEqual({ NL: 3, DE: 3 });
      expect(online(body.byCountry, 'country')).toEqual({ NL: 3, DE: 3 });
      expect(online(body.byDeliveryPoint, 'deliveryPoint')).toEqual({ HAGUE: 3, BERLIN: 3 });
      expect(online(body.byDay, 'day')).toEqual({ '2017-05-01': 6 });
    });
  });

  it('normalises e-mail addresses across sections: gmail dots and googlemail.com, +tags, case and spaces', async () => {
    const slug = await t.newCampaign(admin);
    const nl = await t.ingest(admin, slug, 'NL', [
      { first: 'John', last: 'Doe', email: 'john.doe@gmail.com', signed: '2017-05-01T10:00:00Z' },
      { first: 'Maria', last: 'Silva', email: 'maria.silva@example.org', signed: '2017-05-01T11:00:00Z' },
    ]);
    const de = await t.ingest(admin, slug, 'DE', [
      { first: 'John', last: 'Doe', email: 'JohnDoe+petition@googlemail.com', signed: '2017-05-02T10:00:00Z' },
      { first: 'Maria', last: 'Silva', email: '  Maria.Silva+stop@EXAMPLE.org ', signed: '2017-05-02T11:00:00Z' },
      { first: 'Maria', last: 'Silva', email: 'mariasilva@example.org', signed: '2017-05-02T12:00:00Z' }, // dots matter outside gmail
    ]);
    const fr = await t.ingest(admin, slug, 'FR', [
      { first: 'J', last: 'Doe', email: ' J.O.H.N.D.O.E@GMAIL.COM', signed: '2017-05-03T10:00:00Z' },
      { first: 'Ana', last: 'Book', email: 'ana@bücher.example', signed: '2017-05-03T11:00:00Z' },
    ]);
    const nl2 = await t.ingest(admin, slug, 'NL', [
      { first: 'Ana', last: 'Book', email: 'ANA@xn--bcher-kva.example', signed: '2017-05-04T10:00:00Z' }, // IDNA: the same domain
      { first: 'John', last: 'Doe', email: 'ｊｏｈｎｄｏｅ@gmail.com', signed: '2017-05-04T11:00:00Z' }, // full-width letters (NFKC)
    ]);

    expect(nl).toMatchObject({ accepted: 2, counted: 2, duplicatesExisting: 0 });
    expect(de).toMatchObject({ accepted: 3, counted: 1, duplicatesExisting: 2, duplicatesInBatch: 0 });
    expect(fr).toMatchObject({ accepted: 2, counted: 1, duplicatesExisting: 1 });
    expect(nl2).toMatchObject({ accepted: 2, counted: 0, duplicatesExisting: 2 });
    const body = await t.totals(admin, slug);
    expect(body.online).toBe(4);
    expect(online(body.bySection, 'section')).toEqual({ NL: 2, DE: 1, FR: 1 });
  });

  it('without an e-mail, name + country + postcode identify a person; a different postcode is another person', async () => {
    const slug = await t.newCampaign(admin);
    const nl = await t.ingest(admin, slug, 'NL', [
      { first: 'Jan', last: 'Jansen', country: 'NL', postcode: '1234 AB', signed: '2017-05-01T10:00:00Z' },
      { first: 'Jan', last: 'Jansen', country: 'NL', postcode: '9999 ZZ', signed: '2017-05-01T11:00:00Z' },
    ]);
    const de = await t.ingest(admin, slug, 'DE', [
      { first: 'JAN', last: ' jansen', country: 'Netherlands', postcode: '1234ab', signed: '2017-05-02T10:00:00Z' }, // same as the first
      { first: 'Jan', last: 'Jansen', country: 'NL', postcode: '5555 CC', signed: '2017-05-02T11:00:00Z' }, // a third Jan Jansen
    ]);

    expect(nl).toMatchObject({ accepted: 2, counted: 2, duplicatesInBatch: 0, duplicatesExisting: 0 });
    expect(de).toMatchObject({ accepted: 2, counted: 1, duplicatesInBatch: 0, duplicatesExisting: 1 });
    const body = await t.totals(admin, slug);
    expect(body.online).toBe(3);
    expect(online(body.bySection, 'section')).toEqual({ NL: 2, DE: 1 });
    expect(online(body.byCountry, 'country')).toEqual({ NL: 3 });
  });

  describe('retracting a batch (invariant 4)', () => {
    it('brings back the signers it shadowed, is idempotent, and the file can be uploaded again', async () => {
      const slug = await t.newCampaign(admin);
      const shared = { first: 'Sam', last: 'Shared', email: 'sam@example.org' };
      const fileA = csv([{ ...shared, signed: '2017-05-01T10:00:00Z' }, ...people(2, 'a-only', '2017-05-01T12:00:00Z')]);
      const a = await t.upload(admin, slug, 'NL', fileA).expect(202);
      await t.waitForBatch(admin, a.body.id);
      const b = await t.ingest(admin, slug, 'DE', [{ ...shared, signed: '2017-05-04T10:00:00Z' }, ...people(3, 'b-only', '2017-05-04T12:00:00Z')]);
      expect(b).toMatchObject({ duplicatesExisting: 1, counted: 3 });
      expect(online((await t.totals(admin, slug)).bySection, 'section')).toEqual({ NL: 3, DE: 3 });

      const first = await t.retract(admin, a.body.id).expect(200);
      expect(first.body).toMatchObject({ id: a.body.id, status: 'retracted', retractedAt: expect.any(String) });
      const after = await t.totals(admin, slug);
      expect(after.online).toBe(4);
      expect(online(after.bySection, 'section')).toEqual({ DE: 4 });
      expect(online(after.byDeliveryPoint, 'deliveryPoint')).toEqual({ BERLIN: 4 });
      expect(online(after.byDay, 'day')).toEqual({ '2017-05-04': 4 });

      const again = await t.retract(admin, a.body.id).expect(200);
      expect(again.body).toMatchObject({ id: a.body.id, status: 'retracted', retractedAt: first.body.retractedAt });
      expect(await t.totals(admin, slug)).toMatchObject({ online: 4, bySection: [{ section: 'DE', online: 4, offline: 0 }] });

      // A retracted file is no longer "already uploaded": uploading it again makes a new batch that counts.
      const reupload = await t.upload(admin, slug, 'NL', fileA).expect(202);
      expect(reupload.body.id).not.toBe(a.body.id);
      expect(await t.waitForBatch(admin, reupload.body.id)).toMatchObject({ status: 'done', accepted: 3, duplicatesExisting: 1, counted: 2 });
      const back = await t.totals(admin, slug);
      expect(back.online).toBe(6);
      expect(online(back.bySection, 'section')).toEqual({ NL: 3, DE: 3 });
    });

    it('falls back to the next-earliest signature, and retracting a shadowed batch moves nobody', async () => {
      const slug = await t.newCampaign(admin);
      const kim = { first: 'Kim', last: 'Three', email: 'kim@example.org' };
      const a = await t.ingest(admin, slug, 'NL', [{ ...kim, signed: '2017-05-01T10:00:00Z' }]);
      const b = await t.ingest(admin, slug, 'DE', [{ ...kim, signed: '2017-05-03T10:00:00Z' }, ...people(1, 'b-only')]);
      await t.ingest(admin, slug, 'FR', [{ ...kim, signed: '2017-05-02T10:00:00Z' }]);
      expect(online((await t.totals(admin, slug)).bySection, 'section')).toEqual({ NL: 1, DE: 1 });

      await t.retract(admin, b.id).expect(200);
      expect(online((await t.totals(admin, slug)).bySection, 'section')).toEqual({ NL: 1 });

      await t.retract(admin, a.id).expect(200);
      const body = await t.totals(admin, slug);
      expect(online(body.bySection, 'section')).toEqual({ FR: 1 });
      expect(online(body.byDay, 'day')).toEqual({ '2017-05-02': 1 });
      expect(online(body.byDeliveryPoint, 'deliveryPoint')).toEqual({ PARIS: 1 });
    });

    it('signers nobody else had stop counting', async () => {
      const slug = await t.newCampaign(admin);
      await t.ingest(admin, slug, 'NL', people(4, 'stays'));
      const wrong = await t.ingest(admin, slug, 'DE', people(5, 'wrong-file'));
      expect((await t.totals(admin, slug)).online).toBe(9);

      await t.retract(admin, wrong.id).expect(200);
      const body = await t.totals(admin, slug);
      expect(body.online).toBe(4);
      expect(online(body.bySection, 'section')).toEqual({ NL: 4 });
      expect(online(body.byCountry, 'country')).toEqual({ NL: 4 });
      const [{ n }] = await t.world.sql('SELECT count(*)::int AS n FROM signatures WHERE batch_id = $1', [wrong.id]);
      expect(n).toBe(0);
    });
  });

  it('two overlapping batches uploaded at the same time count each person exactly once', async () => {
    const slug = await t.newCampaign(admin);
    const shared = people(500, 'shared', '2017-05-01T10:00:00Z');
    const nlFile = csv([...people(1500, 'nl', '2017-05-02T10:00:00Z'), ...shared]);
    const deFile = csv([...shared.map((p) => ({ ...p, email: p.email!.toUpperCase() })), ...people(1500, 'de', '2017-05-03T10:00:00Z')]);

    const [nlUpload, deUpload] = await Promise.all([t.upload(admin, slug, 'NL', nlFile).expect(202), t.upload(admin, slug, 'DE', deFile).expect(202)]);
    const [nl, de] = await Promise.all([t.waitForBatch(admin, nlUpload.body.id), t.waitForBatch(admin, deUpload.body.id)]);

    for (const batch of [nl, de]) {
      expect(batch).toMatchObject({ status: 'done', rows: 2000, accepted: 2000, duplicatesInBatch: 0 });
      expect(batch.duplicatesExisting + batch.counted + batch.duplicatesInBatch).toBe(batch.accepted);
    }
    expect(nl.counted + de.counted).toBe(3500);
    expect(nl.duplicatesExisting + de.duplicatesExisting).toBe(500);

    const body = await t.totals(admin, slug);
    expect(body.online).toBe(3500);
    const bySection = online(body.bySection, 'section');
    expect(bySection.NL + bySection.DE).toBe(3500);
    const [{ n }] = await t.world.sql('SELECT count(*)::int AS n FROM signers g JOIN campaigns c ON c.id = g.campaign_id WHERE c.slug = $1', [slug]);
    expect(n).toBe(3500);
  });

  it('routes each signer: (country, region) rule, then country rule, then section default, then campaign default', async () => {
    const base = campaignDefinition();
    const geneva = { code: 'GENEVA', kind: 'other' as const, hostCountry: 'CH', city: 'Geneva', address: 'Rue 1', addressee: 'The Representative', language: 'en' };
    const slug = await t.newCampaign(admin, { defaultDeliveryPoint: 'GENEVA', deliveryPoints: [...base.deliveryPoints, geneva] });
    const who = (i: number, extra: Partial<SignerRow>): SignerRow => ({ first: 'P', last: `Routed${i}`, email: `routed${i}@example.org`, signed: '2017-05-01T10:00:00Z', ...extra });

    await t.ingest(admin, slug, 'NL', [
      who(1, { country: 'AU', region: 'NSW' }), // (AU, NSW) rule → SYDNEY
      who(2, { country: 'Australia', region: 'nsw ' }), // regions match case-insensitively → SYDNEY
      who(3, { country: 'AU', region: 'Victoria' }), // no rule for the region: AU rule → CANBERRA
      who(4, { country: 'AU' }), // AU rule → CANBERRA
      who(5, { country: 'FR' }), // FR rule → PARIS
      who(6, { country: 'BE' }), // no rule: NL's default → HAGUE
      who(7, {}), // section country NL, no rule: NL's default → HAGUE
    ]);
    await t.ingest(admin, slug, 'DE', [who(8, {}), who(9, { country: 'AT' })]); // DE's default → BERLIN
    await t.ingest(admin, slug, 'FR', [who(10, { country: 'IT' }), who(11, { country: 'FR', region: 'NSW' })]); // FR has no default: campaign's GENEVA; FR rule → PARIS

    const body = await t.totals(admin, slug);
    expect(online(body.byDeliveryPoint, 'deliveryPoint')).toEqual({ SYDNEY: 2, CANBERRA: 2, PARIS: 2, HAGUE: 2, BERLIN: 2, GENEVA: 1 });
    expect(body.online).toBe(11);
  });
});
