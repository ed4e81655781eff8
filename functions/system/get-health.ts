import { httpHandler } from '../../shared/http/handler.ts';
import { getHealth as route } from '../../shared/routes/system.ts';
import { platformProbes } from '../../shared/store/health-probes.ts';
import { checkHealth } from '../../shared/use-cases/health.ts';

const probes = platformProbes();

export const handler = httpHandler(route, async () => {
  const report = await checkHealth(probes, new Date());
  return {
    status: report.status === 'ok' ? 200 : 503,
    body: report,
    headers: { 'cache-control': 'no-store' },
  };
});
