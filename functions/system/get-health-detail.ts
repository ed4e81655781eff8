import type { BackupStatus } from '../../shared/domain/backup.ts';
import { httpHandler } from '../../shared/http/handler.ts';
import { getHealthDetail as route } from '../../shared/routes/system.ts';
import { backupPorts } from '../../shared/store/backup-wiring.ts';
import { platformProbes } from '../../shared/store/health-probes.ts';
import { backupStatus } from '../../shared/use-cases/backups.ts';
import { checkHealth, type DependencyProbe } from '../../shared/use-cases/health.ts';

const ports = backupPorts();
const otherProbes = platformProbes().filter((probe) => probe.kind !== 'table');

/** /health for administrators: the table's probe is the backups' status query itself. */
export const handler = httpHandler(route, async () => {
  const now = new Date();
  let backups: BackupStatus | null = null;
  const table: DependencyProbe = {
    name: 'table',
    kind: 'table',
    check: async () => {
      backups = await backupStatus(ports, now);
    },
  };
  const report = await checkHealth([table, ...otherProbes], now);
  return {
    status: report.status === 'ok' ? 200 : 503,
    body: { ...report, backups },
    headers: { 'cache-control': 'no-store' },
  };
});
