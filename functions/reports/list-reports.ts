import { httpHandler } from '../../shared/http/handler.ts';
import { listReports as route } from '../../shared/routes/reports.ts';
import { listReports } from '../../shared/use-cases/reports.ts';

export const handler = httpHandler(route, async ({ principal }) => ({ body: listReports(principal) }));
