import { httpHandler } from '../../shared/http/handler.ts';
import { reconcileReports as route } from '../../shared/routes/reconcile.ts';
import { reconcilePorts } from '../../shared/store/reconcile-wiring.ts';
import { reconcile } from '../../shared/use-cases/reconcile.ts';

const ports = reconcilePorts();

export const handler = httpHandler(route, async ({ query }) => ({
  body: await reconcile(ports, query.entity),
}));
