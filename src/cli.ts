import { INestApplicationContext } from '@nestjs/common';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { configOrExit, createContext, migrate } from './bootstrap';
import { DomainError } from './common/errors';
import { OPERATOR } from './modules/auth/access';
import { PasswordSetup, UsersService } from './modules/auth/users.service';
import { AppConfig } from './config/config';
import { APP_CONFIG } from './config/config.module';
import { CampaignsService } from './modules/campaigns/campaigns.service';
import { BatchesService } from './modules/ingest/batches.service';
import { BatchRetryService } from './modules/ingest/batch-retry.service';
import { UploadReceiver } from './modules/ingest/upload.receiver';
import { CampaignsRepository } from './modules/campaigns/campaigns.repository';
import { FreezeService } from './modules/freeze/freeze.service';
import { PacksService } from './modules/packs/packs.service';
import { EraseService } from './modules/privacy/erase.service';
import { PurgeService } from './modules/privacy/purge.service';
import { JobQueue } from './queue/job-queue';

const USAGE = `Usage: npm run cli -- <command> [options]
  campaign:import <file>                       import or update a campaign.json
  users:create --email E --role admin|coordinator|activist [--section CODE] [--delivery-point CODE] [--password P]
                                               sets the web password (without --password: prints a one-time link
                                               to set one, valid 72 h); prints the new API token on its last line
  users:password --email E [--password P]      sets a new web password, or prints a new one-time link
  tokens:revoke --email E                      the person's API token stops working at once
  tokens:renew --email E                       a new API token (printed on the last line); the old one stops working
  users:disable --email E                      the person can no longer sign in or use a token
  batch:upload --campaign SLUG --section CODE --file PATH [--mapping JSON] [--date-format FMT] [--note TEXT]
                                               queues a signatures file (a running API or worker processes it)
  batches:retry --batch ID                     runs a batch that failed because a stage gave up through its stages
                                               again (a running API or worker processes it)
  totals:reconcile [--campaign SLUG]           recount the totals from the signers and repair any drift
  campaign:freeze --campaign SLUG              freeze the numbers for the day of action (packs then show exactly them)
  packs:generate --campaign SLUG [--volume-size N]
                                               queue the hand-in pack of every delivery point
  purge --campaign SLUG [--dry-run]            delete every name, city, key and file of a finished campaign; every
                                               total stays (the campaign then takes no more uploads)
  erase --campaign SLUG (--email E | --name N --country C (--postcode P | --city C)) [--dry-run]
                                               remove one signer on request; prints a sentence to forward to them`;

type Command = (app: INestApplicationContext, args: string[]) => Promise<void>;

const commands: Record<string, Command> = {
  'campaign:import': async (app, args) => {
    const { positionals } = parseArgs({ args, allowPositionals: true });
    if (!positionals[0]) throw new Error('campaign:import needs the path of a campaign.json');
    const document = JSON.parse(await readFile(positionals[0], 'utf8'));
    const definition = await app.get(CampaignsService).import(OPERATOR, document);
    console.log(`campaign ${definition.slug} imported: ${definition.sections.length} sections, ${definition.deliveryPoints.length} delivery points`);
  },

  'users:create': async (app, args) => {
    const { values } = parseArgs({
      args,
      options: { email: { type: 'string' }, role: { type: 'string' }, section: { type: 'string' }, 'delivery-point': { type: 'string' }, password: { type: 'string' } },
    });
    const { user, token, password } = await app.get(UsersService).create(OPERATOR, {
      email: values.email ?? '',
      role: values.role ?? '',
      section: values.section,
      deliveryPoint: values['delivery-point'],
      password: values.password,
    });
    console.log(`created ${user.role} ${user.email}${user.sectionCode ? ` for section ${user.sectionCode}` : ''}${user.deliveryPointCode ? ` for ${user.deliveryPointCode}` : ''}`);
    console.log(describePassword(app, password));
    console.log(token);
  },

  'users:password': async (app, args) => {
    const { values } = parseArgs({ args, options: { email: { type: 'string' }, password: { type: 'string' } } });
    if (!values.email) throw new Error('users:password needs --email');
    console.log(describePassword(app, await app.get(UsersService).resetPassword(OPERATOR, values.email, values.password)));
  },

  'tokens:revoke': async (app, args) => {
    const users = app.get(UsersService);
    const user = await users.revokeToken(OPERATOR, (await users.byEmail(emailOption(args))).id);
    console.log(`the API token of ${user.email} is revoked`);
  },

  'tokens:renew': async (app, args) => {
    const users = app.get(UsersService);
    const { user, token } = await users.renewToken(OPERATOR, (await users.byEmail(emailOption(args))).id);
    console.log(`new API token for ${user.email}, valid until ${user.tokenExpiresAt.toISOString()}`);
    console.log(token);
  },

  'users:disable': async (app, args) => {
    const users = app.get(UsersService);
    const user = await users.disable(OPERATOR, (await users.byEmail(emailOption(args))).id);
    console.log(`${user.email} is disabled`);
  },

  'batch:upload': async (app, args) => {
    const { values } = parseArgs({
      args,
      options: { campaign: { type: 'string' }, section: { type: 'string' }, file: { type: 'string' }, mapping: { type: 'string' }, 'date-format': { type: 'string' }, note: { type: 'string' } },
    });
    if (!values.campaign || !values.section || !values.file) throw new Error('batch:upload needs --campaign, --section and --file');
    const fields = Object.fromEntries(Object.entries({ mapping: values.mapping, dateFormat: values['date-format'], note: values.note }).filter(([, v]) => v)) as Record<string, string>;
    const { created, batch } = await app.get(BatchesService).uploadFile(OPERATOR, values.campaign, values.section, () => app.get(UploadReceiver).receiveFile(values.file!, fields));
    console.log(`${created ? 'queued new' : 'already uploaded as'} batch ${batch.id} (${batch.status})`);
  },

  'batches:retry': async (app, args) => {
    const { values } = parseArgs({ args, options: { batch: { type: 'string' } } });
    if (!values.batch) throw new Error('batches:retry needs --batch');
    const batch = await app.get(BatchRetryService).retry(OPERATOR, values.batch);
    console.log(`batch ${batch.id} is ${batch.status} again`);
  },

  'totals:reconcile': async (app, args) => {
    const { values } = parseArgs({ args, options: { campaign: { type: 'string' } } });
    const campaign = values.campaign ? await app.get(CampaignsRepository).findBySlug(values.campaign) : null;
    if (values.campaign && !campaign) throw new Error(`no campaign ${values.campaign}`);
    await app.get(JobQueue).reconcileNow(campaign?.id);
    console.log('reconciliation queued; mismatches are logged and repaired by the worker');
  },

  'campaign:freeze': async (app, args) => {
    const { values } = parseArgs({ args, options: { campaign: { type: 'string' } } });
    if (!values.campaign) throw new Error('campaign:freeze needs --campaign');
    const { frozenAt } = await app.get(FreezeService).freeze(OPERATOR, values.campaign);
    console.log(`campaign ${values.campaign} frozen at ${frozenAt}`);
  },

  'packs:generate': async (app, args) => {
    const { values } = parseArgs({ args, options: { campaign: { type: 'string' }, 'volume-size': { type: 'string' } } });
    if (!values.campaign) throw new Error('packs:generate needs --campaign');
    const body = values['volume-size'] ? { volumeSize: Number(values['volume-size']) } : {};
    const { packs } = await app.get(PacksService).generateAll(OPERATOR, values.campaign, body);
    for (const p of packs) console.log(`${p.deliveryPoint}: ${p.status}`);
    console.log('packs are generated by the workers (a running API or worker process)');
  },

  purge: async (app, args) => {
    const { values } = parseArgs({ args, options: { campaign: { type: 'string' }, 'dry-run': { type: 'boolean' } } });
    if (!values.campaign) throw new Error('purge needs --campaign');
    // Typing the command with the slug is the confirmation the API asks for in its body.
    const report = await app.get(PurgeService).purge(OPERATOR, values.campaign, { dryRun: values['dry-run'] === true, confirm: values.campaign });
    console.log(report.message);
  },

  erase: async (app, args) => {
    const { values } = parseArgs({
      args,
      options: {
        campaign: { type: 'string' },
        email: { type: 'string' },
        name: { type: 'string' },
        country: { type: 'string' },
        postcode: { type: 'string' },
        city: { type: 'string' },
        'dry-run': { type: 'boolean' },
      },
    });
    if (!values.campaign) throw new Error('erase needs --campaign');
    const { campaign, 'dry-run': dryRun, ...who } = values;
    const report = await app.get(EraseService).erase(OPERATOR, campaign, { ...who, dryRun: dryRun === true });
    console.log(report.message);
    if (report.packsRemade.length > 0) {
      console.log(`the packs of ${report.packsRemade.join(', ')} could list this person: they ${report.dryRun ? 'would be' : 'were'} deleted and made again without them`);
    }
  },
};

function emailOption(args: string[]): string {
  const { values } = parseArgs({ args, options: { email: { type: 'string' } } });
  if (!values.email) throw new Error('this command needs --email');
  return values.email;
}

function describePassword(app: INestApplicationContext, setup: PasswordSetup): string {
  if (setup.passwordSet) return 'web password set';
  const link = `${app.get<AppConfig>(APP_CONFIG).publicUrl}/set-password/${setup.linkSecret}`;
  return `set the web password with this one-time link (valid until ${setup.expiresAt.toISOString()}): ${link}`;
}

async function main(): Promise<void> {
  const [name, ...args] = process.argv.slice(2);
  const command = commands[name ?? ''];
  if (!command) {
    console.error(USAGE);
    process.exit(name ? 1 : 0);
  }
  const config = configOrExit();
  await migrate(config);
  const app = await createContext({ ...config, logLevel: 'warn' }, { workers: false });
  try {
    await command(app, args);
  } finally {
    await app.get(JobQueue).ready();
    await app.close();
  }
}

main().catch((error) => {
  console.error(error instanceof DomainError || error instanceof Error ? `error: ${error.message}` : error);
  process.exit(1);
});
