import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { HealthIndicators } from './health.indicators';

/** `/health/live` and `/health/ready` through @nestjs/terminus; a failed check is logged as one JSON line. */
@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'json' })],
  controllers: [HealthController],
  providers: [HealthIndicators],
})
export class HealthModule {}
