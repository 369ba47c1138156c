import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { Response } from 'express';
import { DataSource } from 'typeorm';
import { RedisClient } from '../../redis/redis.module';
import { Public } from '../auth/auth.decorators';

@Controller('health')
@Public()
export class HealthController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly redis: RedisClient,
  ) {}

  @Get('live')
  live() {
    return { status: 'ok' };
  }

  /** Ready when both Postgres and Redis answer; 503 names the one that does not. */
  @Get('ready')
  async ready(@Res({ passthrough: true }) response: Response) {
    const check = async (probe: () => Promise<unknown>) => {
      try {
        await Promise.race([probe(), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000))]);
        return 'up';
      } catch (error) {
        return `down: ${(error as Error).message}`;
      }
    };
    const checks = { postgres: await check(() => this.dataSource.query('SELECT 1')), redis: await check(() => this.redis.ping()) };
    const ok = Object.values(checks).every((c) => c === 'up');
    response.status(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return { status: ok ? 'ok' : 'unavailable', checks };
  }
}
