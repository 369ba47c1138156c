import { ConfigError, loadConfig } from '../../src/config/config';

describe('loadConfig', () => {
  const valid = {
    DATABASE_URL: 'postgres://u@h/db',
    REDIS_URL: 'redis://h:6379',
    STORAGE_DIR: '/tmp/x',
    HANDIN_HMAC_SECRET: 'x'.repeat(32),
  };

  it('reads a valid environment with defaults', () => {
    expect(loadConfig(valid)).toMatchObject({ port: 3000, host: '127.0.0.1', workersInApi: true, maxUploadBytes: 200 * 1024 * 1024 });
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
