/** People: the LMS user profile and what may be said about it. */
import * as z from 'zod';
import { Id, IsoDate, IsoDateTime, PageCursor, PageLimit, text } from './common.ts';

export const USER_STATUSES = ['active', 'suspended'] as const;
export const UserStatus = z.enum(USER_STATUSES);
export type UserStatus = z.infer<typeof UserStatus>;

/** Identifier an HR system or CRM holds for the person; unique across the organisation. */
export const ExternalId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._:@-]+$/, 'letters, digits and . _ : @ - only');

/** The most custom attributes one person has (API, imports). */
export const MAX_CUSTOM_ATTRIBUTES = 50;

export const CustomAttributes = z
  .record(
    z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'attribute names start with a letter: letters, digits, _'),
    z.string().max(256),
  )
  .refine(
    (attributes) => Object.keys(attributes).length <= MAX_CUSTOM_ATTRIBUTES,
    `at most ${MAX_CUSTOM_ATTRIBUTES} custom attributes`,
  );

export const Email = z.email().max(254);

/**
 * Fields an HR feed or import may not overwrite on a person (an administrator's correction stands): the
 * plan shows the feed's value as `kept`.
 */
export const STICKY_FIELDS = [
  'email',
  'givenName',
  'familyName',
  'departmentId',
  'managerId',
  'jobTitle',
  'location',
  'hireDate',
  'customAttributes',
] as const;
export const StickyField = z.enum(STICKY_FIELDS);
export type StickyField = z.infer<typeof StickyField>;

const userFields = {
  email: Email,
  givenName: text(100),
  familyName: text(100),
  departmentId: Id.nullable(),
  managerId: Id.nullable(),
  jobTitle: text(120).nullable(),
  location: text(120).nullable(),
  externalId: ExternalId.nullable(),
  hireDate: IsoDate.nullable(),
  customAttributes: CustomAttributes,
};

export const CreateUserBody = z
  .strictObject({
    ...userFields,
    departmentId: userFields.departmentId.optional(),
    managerId: userFields.managerId.optional(),
    jobTitle: userFields.jobTitle.optional(),
    location: userFields.location.optional(),
    externalId: userFields.externalId.optional(),
    hireDate: userFields.hireDate.optional(),
    customAttributes: userFields.customAttributes.optional(),
  })
  .meta({ id: 'CreateUser' });
export type CreateUserInput = z.infer<typeof CreateUserBody>;

/** A partial update; `null` clears an optional field. */
export const UpdateUserBody = z
  .strictObject({
    ...userFields,
    stickyFields: z
      .array(StickyField)
      .max(STICKY_FIELDS.length)
      .refine((fields) => new Set(fields).size === fields.length, 'each field once')
      .describe('Fields imports and HR sync leave as they are on this person'),
  })
  .partial()
  .refine((body) => Object.keys(body).length > 0, 'name at least one field to change')
  .meta({ id: 'UpdateUser' });
export type UpdateUserInput = z.infer<typeof UpdateUserBody>;

export const SuspendUserBody = z.strictObject({ reason: text(500) }).meta({ id: 'SuspendUser' });

/**
 * The login (Cognito user) a profile is linked to: its immutable `sub` says who a caller is. Linked once, and
 * never moved by an email change.
 */
export const LinkedLogin = z
  .object({
    sub: z.string().min(1).max(128),
    /** Cognito's user name (the `sub` for native logins, `<Provider>_<id>` for federated ones). */
    username: z.string().min(1).max(256),
    linkedAt: IsoDateTime,
    /** What made the link: the profile's creation, provisioning at first SSO sign-in, a sign-in matching a verified email, or the migration. */
    by: z.enum(['profile-created', 'provisioned', 'verified-email', 'migration']),
  })
  .meta({ id: 'LinkedLogin' });
export type LinkedLogin = z.infer<typeof LinkedLogin>;

/**
 * What the LMS keeps about a person an identity provider provisions through SCIM, beside the profile: the
 * SCIM attributes the profile has no field for, and when SCIM created, last changed and deleted them.
 */
export const ScimProvisioning = z
  .object({
    /** As the identity provider wrote it (Okta: usually the email; Entra ID: the UPN); unique, any case. */
    userName: z.string(),
    displayName: z.string().nullable(),
    /** The enterprise extension's department as sent (a name or a path), whether or not a department has it. */
    department: z.string().nullable(),
    provisionedAt: IsoDateTime,
    updatedAt: IsoDateTime,
    /** Who made the last SCIM change: the machine client or SCIM token (`client:<id>`). */
    updatedBy: z.string(),
    /** When the identity provider deleted the person (DELETE): suspended and kept, gone from SCIM. */
    deletedAt: IsoDateTime.nullable(),
  })
  .meta({ id: 'ScimProvisioning' });
export type ScimProvisioning = z.infer<typeof ScimProvisioning>;

/**
 * A hold a legal matter puts on a person's data: while it stands, nobody erases them (on request or by the
 * retention policy).
 */
export const LegalHold = z
  .object({ reason: z.string(), setBy: z.string(), setAt: IsoDateTime })
  .meta({ id: 'LegalHold' });
export type LegalHold = z.infer<typeof LegalHold>;

export const LegalHoldBody = z.strictObject({ reason: text(500) }).meta({ id: 'SetLegalHold' });

export const User = z
  .object({
    id: Id,
    email: Email,
    givenName: z.string(),
    familyName: z.string(),
    departmentId: Id.nullable(),
    managerId: Id.nullable(),
    jobTitle: z.string().nullable(),
    location: z.string().nullable(),
    externalId: z.string().nullable(),
    hireDate: IsoDate.nullable(),
    customAttributes: z.record(z.string(), z.string()),
    status: UserStatus,
    suspendedAt: IsoDateTime.nullable(),
    suspensionReason: z.string().nullable(),
    /** Fields imports and HR sync leave as they are (an administrator's correction stands). */
    stickyFields: z.array(StickyField).default([]),
    /** The login linked to this profile; null until one is (profiles stored before links existed read as null). */
    linkedLogin: LinkedLogin.nullable().default(null),
    /** Set once an identity provider provisions the person through SCIM; null otherwise. */
    scim: ScimProvisioning.nullable().default(null),
    /**
     * When the person was erased (the profile is anonymised); absent or null otherwise. The analytics export
     * leaves erased people out.
     */
    erasedAt: IsoDateTime.nullish(),
    /** Blocks erasure while set; absent or null otherwise. */
    legalHold: LegalHold.nullish(),
    createdAt: IsoDateTime,
    updatedAt: IsoDateTime,
    version: z.number().int().min(1),
  })
  .meta({ id: 'User' });
export type User = z.infer<typeof User>;

export const UserIdParams = z.strictObject({ id: Id });

/** Up to 100 people in one request, each once. */
export const UserIds = z
  .array(Id)
  .min(1)
  .max(100)
  .refine((ids) => new Set(ids).size === ids.length, 'each person once');

export const ListUsersQuery = z.strictObject({
  limit: PageLimit,
  cursor: PageCursor.optional(),
  departmentId: Id.optional().describe('Only people in this department (not its sub-departments)'),
  status: UserStatus.optional(),
  email: Email.optional().describe('The person with this email (any case)'),
});
export type ListUsersQuery = z.infer<typeof ListUsersQuery>;

/** Emails compare case-insensitively everywhere (uniqueness, sign-in, routing). */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}
