import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { finished } from 'node:stream/promises';
import { WorkersService } from '../../queue/workers.service';
import { RedisClient } from '../../redis/redis.module';
import { FileStore } from '../../storage/file-store';

/** How long a probe may take before it counts as down: a hung dependency must not hang the probe. */
export const PROBE_TIMEOUT_MS = 2000;

/** The readiness checks Terminus has no ready-made indicator for. */
@Injectable()
export class HealthIndicators {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly redis: RedisClient,
    private readonly files: FileStore,
    private readonly moduleRef: ModuleRef,
  ) {}

  redisPing(): Promise<HealthIndicatorResult> {
    return this.probe('redis', () => this.redis.ping());
  }

  /** Uploads and packs are written to STORAGE_DIR: a full disk or a lost mount shows here, not in a failed batch. */
  storageWritable(): Promise<HealthIndicatorResult> {
    return this.probe('storage', async () => {
      const key = `health/probe-${process.pid}`;
      const stream = await this.files.writeStream(key);
      stream.end('ok');
      await finished(stream);
      await this.files.remove(key);
    });
  }

  /** True when this process runs the pipeline's workers (WORKERS_IN_API, the default). */
  get workersInProcess(): boolean {
    return this.workers() !== null;
  }

  /** Every queue's worker in this process is running (not closed after an error or a shutdown). */
  async workersRunning(): Promise<HealthIndicatorResult> {
    const stopped = this.workers()?.stopped() ?? [];
    const indicator = this.indicators.check('workers');
    return stopped.length === 0 ? indicator.up() : indicator.down(`not running for ${stopped.join(', ')}`);
  }

  /**
   * The workers are part of this app only when it runs them (WorkersModule is imported conditionally), so they
   * are looked up rather than injected.
   */
  private workers(): WorkersService | null {
    try {
      return this.moduleRef.get(WorkersService, { strict: false });
    } catch {
      return null;
    }
  }

  private async probe<K extends string>(key: K, check: () => Promise<unknown>): Promise<HealthIndicatorResult<K>> {
    const indicator = this.indicators.check(key);
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([check(), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), PROBE_TIMEOUT_MS)))]);
      return indicator.up();
    } catch (error) {
      return indicator.down((error as Error).message);
    } finally {
      clearTimeout(timer);
    }
  }
}
