import { Inject, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { AppConfig } from '../../config/config';
import { APP_CONFIG } from '../../config/config.module';
import { RedisClient } from '../../redis/redis.module';
import { AuthModule } from '../auth/auth.module';
import { CampaignsModule } from '../campaigns/campaigns.module';
import { DedupeModule } from '../dedupe/dedupe.module';
import { IngestModule } from '../ingest/ingest.module';
import { PacksModule } from '../packs/packs.module';
import { TotalsModule } from '../totals/totals.module';
import { AdminPagesController } from './admin/admin-pages.controller';
import { DeliveryPointPageController } from './activist/delivery-point-page.controller';
import { DeliveryPointPageService } from './activist/delivery-point-page.service';
import { AssetCatalogue } from './assets';
import { AssetsController } from './assets.controller';
import { SectionPagesController } from './coordinator/section-pages.controller';
import { SectionPagesService } from './coordinator/section-pages.service';
import { csrfProtection } from './csrf';
import { HomeController } from './home/home.controller';
import { HomeService } from './home/home.service';
import { sessionMiddleware } from './session';
import { SignInController } from './sign-in/sign-in.controller';
import { SignInLimiter } from './sign-in/sign-in-limiter';
import { pageLocals } from './views';

/**
 * The web app: pages rendered on the server from `templates/web`, one folder of controllers per person's pages.
 * Sessions and CSRF protection apply to every route, the API's included, since the API accepts the session too.
 */
@Module({
  imports: [AuthModule, CampaignsModule, IngestModule, DedupeModule, TotalsModule, PacksModule],
  controllers: [AssetsController, SignInController, HomeController, SectionPagesController, DeliveryPointPageController, AdminPagesController],
  providers: [AssetCatalogue, SignInLimiter, HomeService, SectionPagesService, DeliveryPointPageService],
})
export class WebModule implements NestModule {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly redis: RedisClient,
    private readonly assets: AssetCatalogue,
    private readonly clock: Clock,
  ) {}

  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(...sessionMiddleware(this.config, this.redis, `${this.config.redisPrefix}:session:`, this.clock), pageLocals(this.assets), csrfProtection)
      .forRoutes('*');
  }
}
