/**
 * Renders a sample hand-in pack for the HAGUE embassy of the demo campaign, without a database: the pictures
 * in docs/ are made from it (scripts/docs-images.sh), and it shows what a pack looks like in a second.
 *
 * CLI: node dist/src/demo/sample-pack.js <out.pdf>
 */
import { createWriteStream } from 'node:fs';
import campaign from '../../demo/campaign.json';
import { fontBook } from '../modules/packs/render/fonts';
import { PackDocument } from '../modules/packs/render/pack-document';
import { splitIntoVolumes } from '../modules/packs/render/pack-layout';
import { ListRow } from '../modules/packs/render/signature-list';

// Fictional signers, one or more per script the packs support; signers in Russia are withheld.
const SIGNERS: [string, string, string][] = [
  ['Sanne de Vries', 'Utrecht', 'NL'],
  ['Jürgen Groß', 'Köln', 'DE'],
  ['Émilie Bélanger', 'Montréal', 'CA'],
  ['Łukasz Wróblewski', 'Kraków', 'PL'],
  ['Nguyễn Thị Ngọc Ánh', 'Rotterdam', 'NL'],
  ['Ayşe Yılmaz', 'İstanbul', 'TR'],
  ['Ольга Смирнова', 'Київ', 'UA'],
  ['Γιώργος Παπαδόπουλος', 'Αθήνα', 'GR'],
  ['陳美玲', '臺北', 'TW'],
  ['张伟', '广州', 'CN'],
  ['やまだ はなこ', '東京', 'JP'],
  ['김민준', '서울', 'KR'],
  ['محمد الحسيني', 'عمّان', 'JO'],
  ['נועה כהן', 'תל אביב', 'IL'],
  ['प्रिया शर्मा', 'मुंबई', 'IN'],
  ['สมชาย ใจดี', 'กรุงเทพ', 'TH'],
  ['Алексей Иванов', 'Москва', 'RU'],
  ['João Gonçalves', 'São Paulo', 'BR'],
];

export function sampleRows(count: number): ListRow[] {
  const start = Date.parse('2017-04-21T09:00:00Z');
  return Array.from({ length: count }, (_, i) => {
    const [name, city, country] = SIGNERS[i % SIGNERS.length];
    return { number: i + 1, name: country === 'RU' ? null : name, city, country, signedAt: new Date(start + i * 3_600_000) };
  });
}

export async function renderSamplePack(path: string): Promise<void> {
  const point = campaign.deliveryPoints.find((d) => d.code === 'HAGUE')!;
  const rows = sampleRows(120);
  const petitions = campaign.petitions.filter((p) => ['NL', 'EN', 'ZH-HANT'].includes(p.code));
  const doc = new PackDocument(
    createWriteStream(path),
    {
      campaign: { title: campaign.title, targetGovernment: campaign.targetGovernment, timezone: campaign.timezone },
      deliveryPoint: { ...point, handInAt: new Date(point.handInAt) },
      paper: 'A4',
      counts: { online: rows.length, offline: 1240, withheld: rows.filter((r) => r.name === null).length, worldwide: 6785, countries: 17 },
      petitions: petitions.map((p) => ({ title: p.title, language: p.language, addressees: p.addressees, body: p.body })),
      generatedAt: new Date('2017-06-01T18:00:00Z'),
      countsAt: new Date('2017-06-01T17:58:00Z'),
      frozenAt: new Date('2017-06-01T17:58:00Z'),
    },
    splitIntoVolumes(rows.length, null)[0],
    fontBook(),
  );
  doc.cover();
  doc.petitions();
  for (const row of rows) doc.row(row);
  const result = await doc.finish('0'.repeat(64));
  process.stdout.write(`${path}: ${result.pages} pages, ${result.missingGlyphs} missing glyphs\n`);
}

if (require.main === module) {
  renderSamplePack(process.argv[2] ?? 'sample-pack.pdf').catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
