/** Sign-in and access: a person's login, their roles, and "why can't this person get in". */
import * as z from 'zod';
import { Id, IsoDateTime, text } from './common.ts';
import { EnrollmentExplanation } from './enrollment.ts';
import { ROLES } from './principal.ts';
import { UserStatus } from './user.ts';

export const Role = z.enum(ROLES);

export const SetRolesBody = z
  .strictObject({
    roles: z
      .array(Role)
      .max(ROLES.length)
      .refine((roles) => new Set(roles).size === roles.length, 'each role once')
      .describe('The roles the person has from now on (an empty list removes every role)'),
    reason: text(500),
  })
  .meta({ id: 'SetRoles' });

/** A person's sign-in account (Cognito), as an administrator troubleshooting a login needs to see it. */
export const Login = z
  .object({
    username: z.string(),
    enabled: z.boolean(),
    /** Cognito's UserStatus: CONFIRMED, FORCE_CHANGE_PASSWORD, RESET_REQUIRED, UNCONFIRMED, EXTERNAL_PROVIDER… */
    status: z.string(),
    emailVerified: z.boolean(),
    groups: z.array(z.string()),
    /** MFA methods turned on (Cognito's UserMFASettingList, e.g. SOFTWARE_TOKEN_MFA). */
    mfa: z.array(z.string()),
    /** Identities linked from SSO providers (SAML/OIDC), from the `identities` attribute. */
    identities: z.array(z.object({ provider: z.string(), userId: z.string() })),
    createdAt: IsoDateTime.nullable(),
    /** Recent sign-in events, newest first; null where the pool keeps none (threat protection off, emulator). */
    recentSignIns: z
      .array(
        z.object({ at: IsoDateTime, type: z.string(), outcome: z.string(), risk: z.string().nullable() }),
      )
      .nullable(),
  })
  .meta({ id: 'Login' });
export type Login = z.infer<typeof Login>;

/** How long the LMS keeps each sign-in (DynamoDB TTL removes older ones). */
export const LOGIN_HISTORY_DAYS = 90;

/** One sign-in, recorded by the post-authentication trigger. */
export const SignIn = z
  .object({ userId: Id, at: IsoDateTime, clientId: z.string().nullable() })
  .meta({ id: 'SignIn' });
export type SignIn = z.infer<typeof SignIn>;

export const UserRoles = z
  .object({ userId: Id, roles: z.array(Role), added: z.array(Role), removed: z.array(Role) })
  .meta({ id: 'UserRoles' });

export const AccessQuery = z.strictObject({
  courseId: Id.optional().describe('Also explain access to this course'),
});

export const AccessReport = z
  .object({
    userId: Id,
    email: z.string(),
    lmsStatus: UserStatus,
    roles: z.array(Role),
    login: Login.nullable(),
    /** The LMS's own record of sign-ins (last 90 days), newest first. */
    lastSignIns: z.array(SignIn),
    canSignIn: z.boolean(),
    reasons: z.array(z.string()),
    course: EnrollmentExplanation.nullable(),
  })
  .meta({ id: 'AccessReport' });
export type AccessReport = z.infer<typeof AccessReport>;

/**
 * Cognito's `identities` attribute: a JSON list of `{ providerName, userId, ... }`, one per identity
 * provider linked to the login. Entries without a provider name, and anything that is not such a list, count
 * as none.
 */
export function linkedIdentities(raw: string | undefined): Login['identities'] {
  if (!raw) return [];
  try {
    const parsed = JSON.parse(raw) as unknown;
    if (!Array.isArray(parsed)) return [];
    return parsed.flatMap((identity: { providerName?: unknown; userId?: unknown }) =>
      typeof identity?.providerName === 'string' && identity.providerName !== ''
        ? [{ provider: identity.providerName, userId: String(identity.userId) }]
        : [],
    );
  } catch {
    return [];
  }
}
