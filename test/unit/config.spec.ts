import { ConfigError, loadConfig } from '../../src/config/config';

describe('loadConfig', () => {
  const valid = {
    DATABASE_URL: 'postgres://u@h/db',
    REDIS_URL: 'redis://h:6379',
    STORAGE_DIR: '/tmp/x',
    HANDIN_HMAC_SECRET: 'x'.repeat(32),
  };
  /** What loadConfig says is wrong with a valid environment changed by `env`. */
  const problems = (env: Record<string, string>) => {
    try {
      loadConfig({ ...valid, ...env });
      return [];
    } catch (error) {
      return (error as ConfigError).problems;
    }
  };

  it('reads a valid environment with defaults', () => {
    expect(loadConfig(valid)).toMatchObject({ port: 3000, host: '127.0.0.1', workersInApi: true, maxUploadBytes: 200 * 1024 * 1024 });
  });

  it('has queue and recovery settings chosen for a day of action (README "Queue settings"), each tunable', () => {
    expect(loadConfig(valid)).toMatchObject({ queueLockMs: 30_000, queueRetryDelayMs: 6000, recoverySweepEveryMs: 60_000, recoveryGraceMs: 120_000, retryWindowHours: 72 });
    const tuned = { QUEUE_RETRY_DELAY_MS: '10000', RECOVERY_SWEEP_EVERY_MS: '0', RECOVERY_GRACE_MS: '300000', RETRY_WINDOW_HOURS: '0' };
    expect(loadConfig({ ...valid, ...tuned })).toMatchObject({ queueRetryDelayMs: 10_000, recoverySweepEveryMs: 0, recoveryGraceMs: 300_000, retryWindowHours: 0 });
  });

  it('refuses a recovery grace too short to cover an upload queuing its jobs, and settings that are not whole numbers', () => {
    expect(problems({ RECOVERY_GRACE_MS: '5000', QUEUE_RETRY_DELAY_MS: '0', RETRY_WINDOW_HOURS: '-1', RECOVERY_SWEEP_EVERY_MS: 'soon' })).toEqual([
      'QUEUE_RETRY_DELAY_MS must be a whole number ≥ 1 (got "0")',
      'RETRY_WINDOW_HOURS must be a whole number ≥ 0 (got "-1")',
      'RECOVERY_SWEEP_EVERY_MS must be a whole number ≥ 0 (got "soon")',
      'RECOVERY_GRACE_MS must be a whole number ≥ 10000 (got "5000")',
    ]);
  });

  it('holds every limit of what one request may bring, with its default', () => {
    expect(loadConfig(valid)).toMatchObject({
      maxXlsxUnpackedBytes: 768 * 1024 * 1024,
      maxXlsxRatio: 100,
      maxJsonBodyBytes: 5 * 1024 * 1024,
      maxCampaignPetitions: 100,
      maxCampaignSections: 1000,
      maxCampaignDeliveryPoints: 1000,
      maxCampaignRoutingRules: 5000,
      maxCampaignTextChars: 2000,
      maxPetitionTextChars: 100_000,
      maxNoteChars: 500,
      maxDateFormatChars: 100,
      maxMappingColumnChars: 300,
      previewTimeLimitMs: 60_000,
      parseTimeLimitMs: 15 * 60_000,
    });
    expect(loadConfig({ ...valid, MAX_CAMPAIGN_SECTIONS: '40', PREVIEW_TIME_LIMIT_MS: '5000' })).toMatchObject({ maxCampaignSections: 40, previewTimeLimitMs: 5000 });
  });

  it('refuses a limit that is not a positive whole number, and a time limit under a second', () => {
    expect(problems({ MAX_XLSX_RATIO: '0', MAX_NOTE_CHARS: '1.5', MAX_JSON_BODY_BYTES: '5mb', PARSE_TIME_LIMIT_MS: '500' })).toEqual([
      'MAX_XLSX_RATIO must be a whole number ≥ 1 (got "0")',
      'MAX_JSON_BODY_BYTES must be a whole number ≥ 1 (got "5mb")',
      'MAX_NOTE_CHARS must be a whole number ≥ 1 (got "1.5")',
      'PARSE_TIME_LIMIT_MS must be a whole number ≥ 1000 (got "500")',
    ]);
  });

  it('reports every problem at once', () => {
    try {
      loadConfig({ DATABASE_URL: 'mysql://x', HANDIN_HMAC_SECRET: 'short', PORT: 'abc', WORKERS_IN_API: 'maybe' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems.join('\n');
      for (const expected of ['DATABASE_URL must start with', 'REDIS_URL is required', 'STORAGE_DIR is required', 'HANDIN_HMAC_SECRET must be at least 32', 'PORT must be a whole number', 'WORKERS_IN_API must be true or false']) {
        expect(problems).toContain(expected);
      }
    }
  });
});
