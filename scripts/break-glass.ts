/**
 * Break glass: gives a login the admin role again when nobody can through the API (every administrator
 * suspended or demoted outside the LMS's guards, e.g. in the Cognito console). It needs credentials that may
 * write the table and the user pool, which the API never has, and it is audited with the operator's name
 * and reason (`user.admin-restored`).
 *
 * In AWS (the names come from the LmsData and LmsAuth stack outputs):
 *   npx tsx scripts/break-glass.ts --email ops@example.com --reason "INC-123: all admins locked out" \
 *     --table <table name> --user-pool-id <pool id> [--region eu-west-1]
 * Locally, against the stack `npm start` runs:
 *   npm run break-glass -- --email admin@example.com --reason "trying it out"
 */
import { existsSync, readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { STACK_FILE } from '../infra/local/paths.ts';

const usage =
  'Usage: break-glass --email <login email> --reason <why> [--table <name> --user-pool-id <id> [--region <region>]]';
let values: { email?: string; reason?: string; table?: string; 'user-pool-id'?: string; region?: string };
try {
  ({ values } = parseArgs({
    options: {
      email: { type: 'string' },
      reason: { type: 'string' },
      table: { type: 'string' },
      'user-pool-id': { type: 'string' },
      region: { type: 'string' },
    },
  }));
} catch (error) {
  console.error(`${(error as Error).message}\n${usage}`);
  process.exit(2);
}
const { email, reason } = values;
if (!email?.includes('@') || !reason?.trim()) {
  console.error(usage);
  process.exit(2);
}
if (values.table || values['user-pool-id']) {
  if (!values.table || !values['user-pool-id']) {
    console.error(`Give both --table and --user-pool-id (from the stack outputs).\n${usage}`);
    process.exit(2);
  }
  process.env.TABLE_NAME = values.table;
  process.env.USER_POOL_ID = values['user-pool-id'];
  if (values.region) process.env.AWS_REGION = values.region;
} else if (existsSync(STACK_FILE)) {
  const { env } = JSON.parse(readFileSync(STACK_FILE, 'utf8')) as { env: Record<string, string> };
  Object.assign(process.env, env);
} else {
  console.error(`No --table/--user-pool-id given and no local stack running (npm start).\n${usage}`);
  process.exit(2);
}

// Imported after the environment is set: the ports read it once.
const { systemActor } = await import('../shared/domain/principal.ts');
const { breakGlassPorts } = await import('../shared/store/identity-wiring.ts');
const { restoreAdmin } = await import('../shared/use-cases/identity.ts');
const operator = `break-glass:${userInfo().username}`;
const result = await restoreAdmin(breakGlassPorts(), systemActor(operator, `${operator}:${Date.now()}`), {
  email,
  reason,
});
console.log(JSON.stringify(result, null, 2));
