import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { PrometheusController } from '@willsoto/nestjs-prometheus';
import { Response } from 'express';
import { Public } from '../modules/auth/auth.decorators';
import { SharedStateMetrics } from './shared-state.metrics';

/**
 * `GET /metrics` for Prometheus (the path is set by PrometheusModule). Public like the health checks: it holds
 * no personal data, only counts and campaign slugs; keep the API on an internal address or filter it at the proxy.
 */
@ApiTags('ops')
@Controller()
@Public()
export class MetricsController extends PrometheusController {
  constructor(private readonly shared: SharedStateMetrics) {
    super();
  }

  @Get()
  @ApiOperation({ summary: 'Prometheus metrics of this process, with queue depth and the age of the published totals' })
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'Prometheus text exposition format', schema: { type: 'string' } })
  override async index(@Res({ passthrough: true }) response: Response): Promise<string> {
    await this.shared.refresh();
    return super.index(response);
  }
}
