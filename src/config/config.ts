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
  /** A large CSV is parsed in chunks of about this many bytes, one job each (docs/design.md: ≤ ~100 jobs per 1M rows). */
  parseChunkBytes: number;
  /** How often the scheduled reconciliation recounts totals. 0 disables the schedule. */
  reconcileEveryMs: number;
  maxUploadBytes: number;
  /** The most rows, columns and characters per value one upload may have (past them: a clear refusal). */
  maxRowsPerBatch: number;
  maxColumns: number;
  maxFieldChars: number;
  /** Days an ended batch's uploaded file is kept (0: deleted as soon as the batch is counted, failed or retracted). */
  sourceRetentionDays: number;
  /** Days an ended batch's rejection report is kept. */
  reportRetentionDays: number;
  /** How often the file retention sweep runs besides when a batch ends. 0 disables the schedule. */
  fileSweepEveryMs: number;
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
    parseChunkBytes: integer('PARSE_CHUNK_BYTES', 2 * 1024 * 1024, 1024),
    reconcileEveryMs: integer('RECONCILE_EVERY_MS', 60 * 60 * 1000, 0),
    maxUploadBytes: integer('MAX_UPLOAD_BYTES', 200 * 1024 * 1024, 1),
    maxRowsPerBatch: integer('MAX_ROWS_PER_BATCH', 5_000_000, 1),
    maxColumns: integer('MAX_COLUMNS', 500, 1),
    maxFieldChars: integer('MAX_FIELD_CHARS', 10_000, 1),
    sourceRetentionDays: integer('SOURCE_RETENTION_DAYS', 0, 0),
    reportRetentionDays: integer('REPORT_RETENTION_DAYS', 30, 0),
    fileSweepEveryMs: integer('FILE_SWEEP_EVERY_MS', 60 * 60 * 1000, 0),
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
