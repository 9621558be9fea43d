import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { auditLogConfig } from './audit-log.config';
import { AuditLogController } from './audit-log.controller';
import { AuditLogService } from './audit-log.service';
import { AuditEntry } from './entities/audit-entry.entity';

/**
 * The audit trail, written the way an outside team would add a module: its own entity,
 * migrations, settings, route and event listener, and one line in the app module.
 */
@Module({
  imports: [TypeOrmModule.forFeature([AuditEntry]), ConfigModule.forFeature(auditLogConfig)],
  controllers: [AuditLogController],
  providers: [AuditLogService],
})
export class AuditLogModule {}
