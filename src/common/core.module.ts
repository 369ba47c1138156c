import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../config/config';
import { APP_CONFIG } from '../config/config.module';
import { FileStore } from '../storage/file-store';
import { Clock, SystemClock } from './clock';

/** I/O providers every module may use: the clock and the file store. */
@Global()
@Module({
  providers: [
    { provide: Clock, useClass: SystemClock },
    { provide: FileStore, inject: [APP_CONFIG], useFactory: (config: AppConfig) => new FileStore(config.storageDir) },
  ],
  exports: [Clock, FileStore],
})
export class CoreModule {}
