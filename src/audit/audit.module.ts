import { Global, Module } from '@nestjs/common';
import { AuditController } from './audit.controller';
import { AuditLog } from './audit-log';

/**
 * The audit log, available to every module (each records its own actions in its own transactions). It sits
 * beside the feature modules rather than in their order because every one of them, sign-in first, writes to it.
 */
@Global()
@Module({
  controllers: [AuditController],
  providers: [AuditLog],
  exports: [AuditLog],
})
export class AuditModule {}
