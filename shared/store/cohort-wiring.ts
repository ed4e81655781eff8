/** Builds the cohort ports once per cold start (table only): cohorts, and what cohort sync enrolls with. */
import { dynamoDb } from '../clients.ts';
import { requireSetting } from '../config.ts';
import { DynamoCohortRepository } from './cohort-store.ts';
import { enrollmentPorts } from './enrollment-wiring.ts';

export function cohortPorts() {
  const enrollment = enrollmentPorts();
  return { ...enrollment, cohorts: new DynamoCohortRepository(dynamoDb(), requireSetting('tableName')) };
}
