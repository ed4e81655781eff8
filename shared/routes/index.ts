/**
 * The route manifest: every HTTP route of the product, declared once. The CDK API stack, the local gateway,
 * the OpenAPI document and the authorization-matrix test all read this list; a route that is not here does
 * not exist anywhere.
 */
import type { RouteDefinition } from '../http/route.ts';
import { getAdminStatus } from './admin-status.ts';
import * as apiClients from './api-clients.ts';
import { backupRoutes } from './backups.ts';
import * as catalog from './catalog.ts';
import * as cohorts from './cohorts.ts';
import * as content from './content.ts';
import * as dataLifecycle from './data-lifecycle.ts';
import {
  createDepartment,
  deleteDepartment,
  getDepartment,
  listDepartments,
  updateDepartment,
} from './departments.ts';
import * as enrollment from './enrollment.ts';
import { exportRoutes } from './exports.ts';
import * as identity from './identity.ts';
import * as identityProviders from './identity-providers.ts';
import { importRoutes } from './imports.ts';
import { reconcileReports } from './reconcile.ts';
import { reportScheduleRoutes } from './report-schedules.ts';
import { reportRoutes } from './reports.ts';
import { runtimeRoutes } from './runtime.ts';
import { scimRoutes } from './scim.ts';
import * as scimTokens from './scim-tokens.ts';
import { getHealth, getHealthDetail, getOpenApi, listAudit } from './system.ts';
import { createUser, getUser, listUsers, reactivateUser, suspendUser, updateUser } from './users.ts';
import { xapiRoutes } from './xapi.ts';

export const routes: readonly RouteDefinition[] = [
  getHealth,
  getHealthDetail,
  getAdminStatus,
  getOpenApi,
  listAudit,
  createUser,
  listUsers,
  getUser,
  updateUser,
  suspendUser,
  reactivateUser,
  dataLifecycle.eraseUser,
  dataLifecycle.setLegalHold,
  dataLifecycle.releaseLegalHold,
  dataLifecycle.getDataLifecycleSettings,
  dataLifecycle.updateDataLifecycleSettings,
  createDepartment,
  listDepartments,
  getDepartment,
  updateDepartment,
  deleteDepartment,
  catalog.createCourse,
  catalog.listCourses,
  catalog.listCoursesDueForReview,
  catalog.getCourse,
  catalog.updateCourse,
  catalog.publishCourse,
  catalog.archiveCourse,
  catalog.unarchiveCourse,
  catalog.waiveCourseAccessibility,
  catalog.createCategory,
  catalog.listCategories,
  catalog.updateCategory,
  catalog.createLearningPath,
  catalog.listLearningPaths,
  catalog.getLearningPath,
  catalog.updateLearningPath,
  content.requestPackageUpload,
  content.completePackageUpload,
  content.listContentVersions,
  content.getContentVersion,
  content.getAccessibilityReport,
  content.getJob,
  content.listJobs,
  enrollment.enrollUsers,
  enrollment.listCourseEnrollments,
  enrollment.listWaitlist,
  enrollment.withdrawEnrollment,
  enrollment.listUserEnrollments,
  enrollment.completeEnrollment,
  enrollment.selfEnroll,
  enrollment.explainEnrollment,
  enrollment.getEnrollment,
  enrollment.updateEnrollment,
  enrollment.listCompliance,
  cohorts.createCohort,
  cohorts.listCohorts,
  cohorts.getCohort,
  cohorts.updateCohort,
  cohorts.reevaluateCohort,
  cohorts.listCohortMembers,
  cohorts.addCohortMembers,
  cohorts.removeCohortMember,
  cohorts.listUserCohorts,
  cohorts.linkCohortCourse,
  cohorts.listCohortCourses,
  cohorts.unlinkCohortCourse,
  identity.setUserRoles,
  identity.getUserAccess,
  identityProviders.createIdentityProvider,
  identityProviders.listIdentityProviders,
  identityProviders.getIdentityProvider,
  identityProviders.updateIdentityProvider,
  identityProviders.deleteIdentityProvider,
  identityProviders.discoverIdentityProvider,
  apiClients.createApiClient,
  apiClients.listApiClients,
  apiClients.getApiClient,
  apiClients.updateApiClient,
  apiClients.issueApiClientSecret,
  apiClients.retireApiClientSecret,
  apiClients.revokeApiClient,
  scimTokens.createScimToken,
  scimTokens.listScimTokens,
  scimTokens.getScimToken,
  scimTokens.revokeScimToken,
  ...importRoutes,
  ...scimRoutes,
  ...runtimeRoutes,
  ...xapiRoutes,
  ...exportRoutes,
  ...reportRoutes,
  ...backupRoutes,
  ...reportScheduleRoutes,
  reconcileReports,
];
