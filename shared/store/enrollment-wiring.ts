/** Builds the enrollment ports once per cold start (table only). */
import { dynamoDb } from '../clients.ts';
import { requireSetting } from '../config.ts';
import { DynamoAuditTrail } from './audit-store.ts';
import { DynamoCatalogRepository } from './catalog-store.ts';
import { DynamoJobRepository } from './content-store.ts';
import { DynamoDepartmentRepository } from './department-store.ts';
import { DynamoEnrollmentRepository } from './enrollment-store.ts';
import { DynamoUserRepository } from './user-store.ts';
import { systemRuntime } from './wiring.ts';

/** Concrete adapters: every enrollment, compliance and cohort-sync use case takes what it needs from them. */
export function enrollmentPorts() {
  const client = dynamoDb();
  const tableName = requireSetting('tableName');
  return {
    enrollments: new DynamoEnrollmentRepository(client, tableName),
    catalog: new DynamoCatalogRepository(client, tableName),
    users: new DynamoUserRepository(client, tableName),
    departments: new DynamoDepartmentRepository(client, tableName),
    audit: new DynamoAuditTrail(client, tableName),
    jobs: new DynamoJobRepository(client, tableName),
    runtime: systemRuntime,
  };
}
