/**
 * The demo organisation `npm start` seeds: two departments (Sales, with a Sales EMEA branch, and
 * Engineering), a few people in each, and four people who can sign in, one per role. Created through the
 * same use cases the API uses (so it is audited, as `system:seed`), once: a second start finds the admin
 * and leaves the data alone; Cognito users, their links to profiles and the admin seats are converged every
 * time.
 */
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { Role } from '../../shared/domain/principal.ts';
import { systemActor } from '../../shared/domain/principal.ts';
import { linkLoginsPorts } from '../../shared/store/identity-wiring.ts';
import { reportSchedulePorts } from '../../shared/store/report-schedule-wiring.ts';
import type { OrganisationPorts } from '../../shared/store/wiring.ts';
import { createDepartment } from '../../shared/use-cases/departments.ts';
import { linkLogins } from '../../shared/use-cases/login-links.ts';
import {
  reportDeliverySettings,
  updateReportDeliverySettings,
} from '../../shared/use-cases/report-schedules.ts';
import { createUser, updateUser } from '../../shared/use-cases/users.ts';
import { ensureCognitoUser } from './cognito.ts';
import type { LocalResources } from './resources.ts';

/** The one documented demo password of every seeded sign-in (local only). */
export const DEMO_PASSWORD = 'Demo-Passw0rd!';

export const DEMO_SIGN_INS: readonly { email: string; role: Role; note: string }[] = [
  { email: 'admin@example.com', role: 'admin', note: 'administrator: every route' },
  { email: 'manager@example.com', role: 'manager', note: 'manager of Sales: sees Sales and Sales EMEA only' },
  {
    email: 'instructor@example.com',
    role: 'instructor',
    note: 'instructor (courses arrive with the catalog)',
  },
  { email: 'learner@example.com', role: 'learner', note: 'learner in Engineering: sees only themselves' },
];

const seedActor = systemActor('system:seed', 'seed', ['admin']);

export async function seedDemoOrganisation(
  ports: OrganisationPorts,
  cognito: CognitoIdentityProviderClient,
  resources: LocalResources,
): Promise<{ created: boolean }> {
  for (const signIn of DEMO_SIGN_INS) {
    await ensureCognitoUser(cognito, resources, {
      email: signIn.email,
      password: DEMO_PASSWORD,
      groups: [signIn.role],
    });
  }
  const created = !(await ports.users.idByEmail('admin@example.com'));
  if (created) await createDemoPeople(ports);
  // Scheduled reports may be mailed within the demo domain (data seeded before schedules existed too).
  const delivery = reportSchedulePorts();
  if ((await reportDeliverySettings(delivery)).version === 1)
    await updateReportDeliverySettings(delivery, seedActor, 1, { recipientDomains: ['example.com'] });
  // Every start, as the link-logins job does after a deploy: the demo logins linked to their profiles (also
  // data seeded before links existed), and the admin seats matching the admin group.
  await linkLogins(linkLoginsPorts(), seedActor);
  return { created };
}

async function createDemoPeople(ports: OrganisationPorts): Promise<void> {
  const person = (
    email: string,
    givenName: string,
    familyName: string,
    departmentId: string | null,
    jobTitle: string,
  ) =>
    createUser(ports, seedActor, {
      email,
      givenName,
      familyName,
      departmentId,
      jobTitle,
      location: 'London',
    });

  await person('admin@example.com', 'Avery', 'Admin', null, 'LMS administrator');
  const manager = await person('manager@example.com', 'Morgan', 'Manager', null, 'Head of Sales');
  const sales = await createDepartment(ports, seedActor, { name: 'Sales', managerId: manager.id });
  const emea = await createDepartment(ports, seedActor, { name: 'Sales EMEA', parentId: sales.id });
  const engineering = await createDepartment(ports, seedActor, { name: 'Engineering' });
  // The manager belongs to the department they manage.
  await updateUser(ports, seedActor, manager.id, manager.version, { departmentId: sales.id });

  await person('sam.seller@example.com', 'Sam', 'Seller', sales.id, 'Account executive');
  await person('riley.rep@example.com', 'Riley', 'Rep', sales.id, 'Sales representative');
  await person('elena.emea@example.com', 'Elena', 'Marquez', emea.id, 'Regional sales lead');
  await person('learner@example.com', 'Lee', 'Learner', engineering.id, 'Software engineer');
  await person('dev.one@example.com', 'Dana', 'Developer', engineering.id, 'Backend engineer');
  await person('instructor@example.com', 'Ira', 'Instructor', engineering.id, 'Engineering trainer');
}
