/** Scheduled delivery of reports: schedules (cron, params, recipients) and the domains that may receive them. */
import { pageOf } from '../domain/common.ts';
import {
  CreateReportScheduleBody,
  ListReportSchedulesQuery,
  ReportDeliverySettings,
  ReportSchedule,
  ReportScheduleIdParams,
  UpdateReportDeliveryBody,
  UpdateReportScheduleBody,
} from '../domain/report-schedule.ts';
import { defineRoute } from '../http/route.ts';

const tag = 'Report schedules';

export const createReportSchedule = defineRoute({
  id: 'createReportSchedule',
  method: 'POST',
  path: '/report-schedules',
  handler: 'functions/schedules/create-report-schedule.ts',
  summary:
    'Schedule a report: it runs on the cron (at most hourly, in the time zone) as you, in your scope as it stands at each run, and its CSV is mailed to the recipients (allowed domains only) as a link valid 7 days',
  tag,
  access: { roles: ['admin', 'manager'] },
  request: { body: CreateReportScheduleBody },
  response: { status: 201, description: 'The schedule, with its first run time', body: ReportSchedule },
  needs: { table: 'write' },
});

export const listReportSchedules = defineRoute({
  id: 'listReportSchedules',
  method: 'GET',
  path: '/report-schedules',
  handler: 'functions/schedules/list-report-schedules.ts',
  summary: 'Report schedules: every one for admins, your own for managers',
  tag,
  access: { roles: ['admin', 'manager'] },
  request: { query: ListReportSchedulesQuery },
  response: { status: 200, description: 'A page of schedules', body: pageOf(ReportSchedule) },
  needs: { table: 'read' },
});

export const getReportSchedule = defineRoute({
  id: 'getReportSchedule',
  method: 'GET',
  path: '/report-schedules/{id}',
  handler: 'functions/schedules/get-report-schedule.ts',
  summary: 'A report schedule: its next run, last run and why it is paused (a manager: their own only)',
  tag,
  access: { roles: ['admin', 'manager'] },
  request: { params: ReportScheduleIdParams },
  response: { status: 200, description: 'The schedule; ETag carries the version', body: ReportSchedule },
  needs: { table: 'read' },
});

export const updateReportSchedule = defineRoute({
  id: 'updateReportSchedule',
  method: 'PATCH',
  path: '/report-schedules/{id}',
  handler: 'functions/schedules/update-report-schedule.ts',
  summary: 'Pause a report schedule (with the reason) or resume it from the next cron time',
  tag,
  access: { roles: ['admin', 'manager'] },
  request: { params: ReportScheduleIdParams, body: UpdateReportScheduleBody, ifMatch: 'optional' },
  response: { status: 200, description: 'The schedule', body: ReportSchedule },
  needs: { table: 'write' },
});

export const deleteReportSchedule = defineRoute({
  id: 'deleteReportSchedule',
  method: 'DELETE',
  path: '/report-schedules/{id}',
  handler: 'functions/schedules/delete-report-schedule.ts',
  summary: 'Delete a report schedule; runs it requested and has not mailed are not mailed',
  tag,
  access: { roles: ['admin', 'manager'] },
  request: { params: ReportScheduleIdParams, ifMatch: 'optional' },
  response: { status: 204, description: 'Deleted' },
  needs: { table: 'write' },
});

export const getReportDeliverySettings = defineRoute({
  id: 'getReportDeliverySettings',
  method: 'GET',
  path: '/settings/report-delivery',
  handler: 'functions/schedules/get-report-delivery-settings.ts',
  summary: 'The email domains scheduled reports may be sent to',
  tag,
  access: { roles: ['admin'] },
  request: {},
  response: {
    status: 200,
    description: 'The settings; ETag carries the version',
    body: ReportDeliverySettings,
  },
  needs: { table: 'read' },
});

export const updateReportDeliverySettings = defineRoute({
  id: 'updateReportDeliverySettings',
  method: 'PUT',
  path: '/settings/report-delivery',
  handler: 'functions/schedules/update-report-delivery-settings.ts',
  summary:
    'Set the email domains scheduled reports may be sent to (existing schedules keep their recipients until changed)',
  tag,
  access: { roles: ['admin'] },
  request: { body: UpdateReportDeliveryBody, ifMatch: 'optional' },
  response: { status: 200, description: 'The settings', body: ReportDeliverySettings },
  needs: { table: 'write' },
});

export const reportScheduleRoutes = [
  createReportSchedule,
  listReportSchedules,
  getReportSchedule,
  updateReportSchedule,
  deleteReportSchedule,
  getReportDeliverySettings,
  updateReportDeliverySettings,
] as const;
