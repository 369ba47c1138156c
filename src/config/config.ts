/**
 * The one place that reads process.env. Everything else receives a typed `AppConfig`.
 * Every problem is reported at once, so an operator fixes their environment in one go.
 */
export interface AppConfig {
  databaseUrl: string;
  redisUrl: string;
  /** Prefix of every Redis key (BullMQ queues, counters, pub/sub), so test, demo and prod can share one Redis. */
  redisPrefix: string;
  port: number;
  /** Interface the API listens on; 127.0.0.1 unless deployed behind a proxy or in a container. */
  host: string;
  storageDir: string;
  /** Per-deployment secret for the keyed hash of dedupe keys (docs/design.md invariant 5). */
  hmacSecret: Buffer;
  /** Run the queue workers inside the API process (default) or only in `node dist/worker`. */
  workersInApi: boolean;
  workerConcurrency: number;
  /** How long a worker holds a job lock; a killed worker's job is picked up again after about this long. */
  queueLockMs: number;
  /** A failed job runs again after about this long, then twice as long each time (README "Queue settings"). */
  queueRetryDelayMs: number;
  /** A large CSV is parsed in chunks of about this many bytes, one job each (docs/design.md: ≤ ~100 jobs per 1M rows). */
  parseChunkBytes: number;
  /** How often the scheduled reconciliation recounts totals. 0 disables the schedule. */
  reconcileEveryMs: number;
  maxUploadBytes: number;
  /** The most rows, columns and characters per value one upload may have (past them: a clear refusal). */
  maxRowsPerBatch: number;
  maxColumns: number;
  maxFieldChars: number;
  /**
   * An XLSX is a zip of XML: what its sheets, strings and styles may unpack to in all, and how many times its
   * packed size one part of 16 MB or more may unpack to (XML packs about 10 to 1, rarely past 30). Counted on
   * the bytes actually unpacked, so a zip that lies about its sizes is stopped too.
   */
  maxXlsxUnpackedBytes: number;
  maxXlsxRatio: number;
  /** Largest JSON request body (the campaign document of a large campaign). */
  maxJsonBodyBytes: number;
  /** How much a campaign document may list, and how long its texts may be: far above any real campaign. */
  maxCampaignPetitions: number;
  maxCampaignSections: number;
  maxCampaignDeliveryPoints: number;
  maxCampaignRoutingRules: number;
  /** A title, name or address line in the campaign document. */
  maxCampaignTextChars: number;
  maxPetitionTextChars: number;
  /** A batch's or tally's note, a date format, a column name in a mapping: lines people type. */
  maxNoteChars: number;
  maxDateFormatChars: number;
  maxMappingColumnChars: number;
  /** A check of an uploaded file (preview, or the first rows an upload is read from) stops after this long. */
  previewTimeLimitMs: number;
  /** One parse job (a chunk of a CSV, or a whole XLSX) stops after this long and fails its batch. */
  parseTimeLimitMs: number;
  /** Days an ended batch's uploaded file is kept (0: deleted as soon as the batch is counted, failed or retracted). */
  sourceRetentionDays: number;
  /** Days an ended batch's rejection report is kept. */
  reportRetentionDays: number;
  /** How often the file retention sweep runs besides when a batch ends. 0 disables the schedule. */
  fileSweepEveryMs: number;
  /** Hours a batch that failed because a stage gave up keeps its uploaded file, so that an admin can retry it. */
  retryWindowHours: number;
  /** How often the recovery sweep looks for stuck batches, besides at worker start. 0 disables the schedule. */
  recoverySweepEveryMs: number;
  /** The recovery sweep leaves younger batches alone: the upload that made one may be queuing its jobs right now. */
  recoveryGraceMs: number;
  logLevel: string;
  /** Where people reach the web app (links printed by the CLI); https here makes the session cookie Secure. */
  publicUrl: string;
  /** Requests per client address and minute (429 past it), uploads among them, and failed token checks. */
  requestsPerMinute: number;
  uploadsPerMinute: number;
  badCredentialsPerMinute: number;
  /** Days an API token works after it is issued. */
  apiTokenDays: number;
  /** A web session ends after this long without a request... */
  sessionIdleMinutes: number;
  /** ...and this long after sign-in, however active. */
  sessionMaxHours: number;
  /** Where a worker-only process serves its Prometheus metrics (on 127.0.0.1); absent or 0: not served. */
  metricsPort?: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env): AppConfig {
  const problems: string[] = [];

  const required = (name: string): string => {
    const value = env[name]?.trim();
    if (!value) problems.push(`${name} is required`);
    return value ?? '';
  };
  const url = (name: string, protocols: string[]): string => {
    const value = required(name);
    if (value && !protocols.some((p) => value.startsWith(`${p}://`))) {
      problems.push(`${name} must start with ${protocols.map((p) => `${p}://`).join(' or ')}`);
    }
    return value;
  };
  const integer = (name: string, fallback: number, min: number): number => {
    const raw = env[name]?.trim();
    if (!raw) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min) {
      problems.push(`${name} must be a whole number ≥ ${min} (got "${raw}")`);
      return fallback;
    }
    return value;
  };
  const boolean = (name: string, fallback: boolean): boolean => {
    const raw = env[name]?.trim().toLowerCase();
    if (!raw) return fallback;
    if (['1', 'true', 'yes'].includes(raw)) return true;
    if (['0', 'false', 'no'].includes(raw)) return false;
    problems.push(`${name} must be true or false (got "${raw}")`);
    return fallback;
  };

  const secret = required('HANDIN_HMAC_SECRET');
  if (secret && secret.length < 32) {
    problems.push('HANDIN_HMAC_SECRET must be at least 32 characters (generate one with `openssl rand -hex 32`)');
  }

  const config: AppConfig = {
    databaseUrl: url('DATABASE_URL', ['postgres', 'postgresql']),
    redisUrl: url('REDIS_URL', ['redis', 'rediss']),
    redisPrefix: env.REDIS_PREFIX?.trim() || 'handin',
    port: integer('PORT', 3000, 0),
    host: env.HOST?.trim() || '127.0.0.1',
    storageDir: required('STORAGE_DIR'),
    hmacSecret: Buffer.from(secret, 'utf8'),
    workersInApi: boolean('WORKERS_IN_API', true),
    workerConcurrency: integer('WORKER_CONCURRENCY', 2, 1),
    queueLockMs: integer('QUEUE_LOCK_MS', 30000, 1000),
    queueRetryDelayMs: integer('QUEUE_RETRY_DELAY_MS', 6000, 1),
    parseChunkBytes: integer('PARSE_CHUNK_BYTES', 2 * 1024 * 1024, 1024),
    reconcileEveryMs: integer('RECONCILE_EVERY_MS', 60 * 60 * 1000, 0),
    maxUploadBytes: integer('MAX_UPLOAD_BYTES', 200 * 1024 * 1024, 1),
    maxRowsPerBatch: integer('MAX_ROWS_PER_BATCH', 5_000_000, 1),
    maxColumns: integer('MAX_COLUMNS', 500, 1),
    maxFieldChars: integer('MAX_FIELD_CHARS', 10_000, 1),
    maxXlsxUnpackedBytes: integer('MAX_XLSX_UNPACKED_BYTES', 768 * 1024 * 1024, 1),
    maxXlsxRatio: integer('MAX_XLSX_RATIO', 100, 1),
    maxJsonBodyBytes: integer('MAX_JSON_BODY_BYTES', 5 * 1024 * 1024, 1),
    maxCampaignPetitions: integer('MAX_CAMPAIGN_PETITIONS', 100, 1),
    maxCampaignSections: integer('MAX_CAMPAIGN_SECTIONS', 1000, 1),
    maxCampaignDeliveryPoints: integer('MAX_CAMPAIGN_DELIVERY_POINTS', 1000, 1),
    maxCampaignRoutingRules: integer('MAX_CAMPAIGN_ROUTING_RULES', 5000, 1),
    maxCampaignTextChars: integer('MAX_CAMPAIGN_TEXT_CHARS', 2000, 1),
    maxPetitionTextChars: integer('MAX_PETITION_TEXT_CHARS', 100_000, 1),
    maxNoteChars: integer('MAX_NOTE_CHARS', 500, 1),
    maxDateFormatChars: integer('MAX_DATE_FORMAT_CHARS', 100, 1),
    maxMappingColumnChars: integer('MAX_MAPPING_COLUMN_CHARS', 300, 1),
    previewTimeLimitMs: integer('PREVIEW_TIME_LIMIT_MS', 60_000, 1000),
    parseTimeLimitMs: integer('PARSE_TIME_LIMIT_MS', 15 * 60_000, 1000),
    sourceRetentionDays: integer('SOURCE_RETENTION_DAYS', 0, 0),
    reportRetentionDays: integer('REPORT_RETENTION_DAYS', 30, 0),
    fileSweepEveryMs: integer('FILE_SWEEP_EVERY_MS', 60 * 60 * 1000, 0),
    retryWindowHours: integer('RETRY_WINDOW_HOURS', 72, 0),
    recoverySweepEveryMs: integer('RECOVERY_SWEEP_EVERY_MS', 60 * 1000, 0),
    // Not less than 10 s: an upload's batch row is written a moment before its file is stored and its jobs queued.
    recoveryGraceMs: integer('RECOVERY_GRACE_MS', 2 * 60 * 1000, 10_000),
    logLevel: env.LOG_LEVEL?.trim() || 'info',
    publicUrl: '',
    requestsPerMinute: integer('RATE_LIMIT_REQUESTS_PER_MINUTE', 1200, 1),
    uploadsPerMinute: integer('RATE_LIMIT_UPLOADS_PER_MINUTE', 30, 1),
    badCredentialsPerMinute: integer('RATE_LIMIT_BAD_CREDENTIALS_PER_MINUTE', 30, 1),
    apiTokenDays: integer('API_TOKEN_DAYS', 180, 1),
    sessionIdleMinutes: integer('SESSION_IDLE_MINUTES', 120, 1),
    sessionMaxHours: integer('SESSION_MAX_HOURS', 12, 1),
    metricsPort: integer('METRICS_PORT', 0, 0),
  };
  config.publicUrl = (env.PUBLIC_URL?.trim() || `http://127.0.0.1:${config.port}`).replace(/\/+$/, '');
  if (!/^https?:\/\//.test(config.publicUrl)) problems.push(`PUBLIC_URL must start with http:// or https:// (got "${config.publicUrl}")`);
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
