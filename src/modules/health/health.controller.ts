import { Controller, Get, HttpStatus, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheckResult, HealthCheckService, HealthIndicatorFunction, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { Response } from 'express';
import { Public } from '../auth/auth.decorators';
import { HealthIndicators, PROBE_TIMEOUT_MS } from './health.indicators';

const READY_SCHEMA = {
  type: 'object',
  required: ['status', 'checks'],
  properties: {
    status: { type: 'string', enum: ['ok', 'unavailable'] },
    checks: {
      type: 'object',
      description: '"up", or "down: <reason>", per dependency: postgres, redis, storage, and workers when this process runs them',
      additionalProperties: { type: 'string' },
      example: { postgres: 'up', redis: 'up', storage: 'up', workers: 'up' },
    },
  },
};

@ApiTags('ops')
@Controller('health')
@Public()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicators,
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'Liveness: the process answers' })
  @ApiOkResponse({ schema: { type: 'object', properties: { status: { type: 'string', enum: ['ok'] } } } })
  async live() {
    const { status } = await this.health.check([]);
    return { status };
  }

  /**
   * Ready when Postgres and Redis answer, STORAGE_DIR is writable and this process's workers (if it runs them)
   * are running; 503 names the one that is not. The body keeps its shape from before Terminus:
   * `{status: ok|unavailable, checks: {name: "up" | "down: reason"}}`.
   */
  @Get('ready')
  @ApiOperation({ summary: 'Readiness: Postgres, Redis, the file store and the in-process workers' })
  @ApiOkResponse({ schema: READY_SCHEMA })
  @ApiServiceUnavailableResponse({ description: 'A dependency is down; `checks` says which', schema: READY_SCHEMA })
  async ready(@Res({ passthrough: true }) response: Response) {
    const checks: HealthIndicatorFunction[] = [
      () => this.database.pingCheck('postgres', { timeout: PROBE_TIMEOUT_MS }),
      () => this.indicators.redisPing(),
      () => this.indicators.storageWritable(),
    ];
    if (this.indicators.workersInProcess) checks.push(() => this.indicators.workersRunning());
    const result = await this.health.check(checks).catch((error: unknown) => {
      // Terminus answers a failed check by throwing 503 with the full result; the result is what we report.
      if (error instanceof ServiceUnavailableException) return error.getResponse() as HealthCheckResult;
      throw error;
    });
    const ok = result.status === 'ok';
    response.status(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return { status: ok ? 'ok' : 'unavailable', checks: summary(result) };
  }
}

function summary(result: HealthCheckResult): Record<string, string> {
  return Object.fromEntries(
    Object.entries(result.details).map(([name, detail]) => [name, detail.status === 'up' ? 'up' : `down: ${String(detail.message ?? 'no answer')}`]),
  );
}
