/** Sign-in and access: a person's login, their roles, and "why can't this person get in". */
import * as z from 'zod';
import { Id, IsoDateTime, text } from './common.ts';
import { EnrollmentExplanation } from './enrollment.ts';
import { ROLES } from './principal.ts';
import { LinkedLogin, ScimProvisioning, UserStatus } from './user.ts';

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
    /** The login's immutable id: the LMS profile linked to it is who this login is. */
    sub: z.string(),
    email: z.string().nullable(),
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

/**
 * One sign-in: a succeeded one recorded by the post-authentication trigger, a refused one by the
 * pre-token-generation trigger when the LMS refuses the token (a suspended profile). Cognito's own refusals (a
 * wrong password) never reach the LMS. Sign-ins recorded before outcomes were kept are `succeeded`.
 */
export const SignIn = z
  .object({
    userId: Id,
    at: IsoDateTime,
    clientId: z.string().nullable(),
    outcome: z.enum(['succeeded', 'refused']).default('succeeded'),
    /** Why it was refused (`suspended`); null when it succeeded. */
    reason: z.string().nullable().default(null),
    /** A native login's password, or an identity provider's (federated) login; null when not recorded. */
    method: z.enum(['password', 'federated']).nullable().default(null),
  })
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
    /** The login linked to the profile (who the person is when they sign in); null until one is. */
    linkedLogin: LinkedLogin.nullable(),
    /** The linked login; or, when none is linked, the login with the profile's email, to show why it is not. */
    login: Login.nullable(),
    /** Whether an identity provider provisions the person through SCIM: as which userName, since when, last change. */
    scim: ScimProvisioning.nullable(),
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

/**
 * A login as the LMS sees it when deciding which profile it is: the Cognito user behind a token, a trigger
 * event or a directory read.
 */
export interface LoginAccount {
  sub: string;
  username: string;
  email: string | null;
  emailVerified: boolean;
  /** The identity provider a federated login is held for; null for a native (email and password) login. */
  provider: string | null;
}

/**
 * The account of a Cognito user from its user name and attributes (trigger events, AdminGetUser, ListUsers).
 * A login Cognito holds for an identity provider has status `EXTERNAL_PROVIDER`, or a user name
 * `<ProviderName>_<id>` of one of its `identities`; a native login that a provider was linked to keeps its
 * own user name and stays native.
 * @example loginAccount('Okta_00u1', { sub: 's', email: 'a@b.c', identities: '[{"providerName":"Okta","userId":"00u1"}]' })
 */
export function loginAccount(
  username: string,
  attributes: Readonly<Record<string, string | undefined>>,
  status?: string,
): LoginAccount {
  const name = username.toLowerCase();
  const identities = linkedIdentities(attributes.identities);
  const held =
    identities.find(({ provider }) => name.startsWith(`${provider.toLowerCase()}_`)) ??
    (status === 'EXTERNAL_PROVIDER' || attributes['cognito:user_status'] === 'EXTERNAL_PROVIDER'
      ? identities[0]
      : undefined);
  if (!attributes.sub) throw new Error(`The Cognito user ${username} came without its sub attribute.`);
  return {
    sub: attributes.sub,
    username,
    email: attributes.email ? attributes.email.trim().toLowerCase() : null,
    emailVerified: attributes.email_verified === 'true',
    provider: held?.provider ?? null,
  };
}
