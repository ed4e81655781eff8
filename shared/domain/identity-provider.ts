/** SSO identity providers (SAML 2.0, OIDC) the organisation's people sign in through, routed by email domain. */
import * as z from 'zod';
import { Id, IsoDateTime, text } from './common.ts';
import { ROLES } from './principal.ts';

/** Cognito's provider name: letters, digits, `-` and `_`, 3 to 32 characters, not Cognito's own names. */
export const ProviderName = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_-]{2,31}$/,
    '3 to 32 letters, digits, - or _, starting with a letter or digit',
  )
  .refine(
    (name) => !/^(cognito|facebook|google|loginwithamazon|signinwithapple)$/i.test(name),
    'reserved by Cognito',
  );

export const EmailDomain = z
  .string()
  .trim()
  .toLowerCase()
  .regex(
    /^(?=.{3,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
    'an email domain, e.g. corp.example',
  );

const domains = z
  .array(EmailDomain)
  .min(1)
  .max(20)
  .refine((list) => new Set(list).size === list.length, 'each domain once')
  .describe('Email domains whose people sign in through this provider');

/** Which IdP attribute fills which LMS field (SAML attribute names or OIDC claim names). */
export const AttributeMapping = z
  .strictObject({
    email: text(256),
    givenName: text(256).optional(),
    familyName: text(256).optional(),
    department: text(256).optional(),
    employeeId: text(256).optional(),
    groups: text(256).optional(),
  })
  .meta({ id: 'AttributeMapping' });
export type AttributeMapping = z.infer<typeof AttributeMapping>;

/** Where each mapped field lands in the user pool (custom attributes defined by the auth stack). */
export const COGNITO_ATTRIBUTE: Record<keyof AttributeMapping, string> = {
  email: 'email',
  givenName: 'given_name',
  familyName: 'family_name',
  department: 'custom:department',
  employeeId: 'custom:employee_id',
  groups: 'custom:idp_groups',
};

/** On a person's first sign-in through the IdP: members of `group` get these roles and join these cohorts. */
export const GroupRule = z
  .strictObject({
    group: text(256).describe('The group name as the IdP sends it (the mapped `groups` attribute)'),
    roles: z.array(z.enum(ROLES)).max(ROLES.length).default([]),
    cohortIds: z.array(Id).max(20).default([]).describe('Static cohorts to add them to'),
  })
  .meta({ id: 'GroupRule' });
export type GroupRule = z.infer<typeof GroupRule>;

const groupRules = z
  .array(GroupRule)
  .max(50)
  .describe('Without a matching rule a new person gets the learner role');

const MetadataUrl = z.url({ protocol: /^https$/, error: 'must be an https URL' }).max(2048);

const HttpsUrl = z
  .url({ protocol: /^https$/, error: 'must be an https URL' })
  .max(2048)
  .refine((url) => !url.includes('?') && !url.includes('#'), 'an issuer has no query or fragment');

export const CreateIdentityProviderBody = z
  .discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('SAML'),
      name: ProviderName,
      domains,
      metadataXml: z
        .string()
        .min(1)
        .max(256 * 1024)
        .optional()
        .describe('The IdP metadata document (XML); or give metadataUrl'),
      metadataUrl: MetadataUrl.optional().describe(
        'Where the IdP publishes its metadata (https); read now to validate, and by Cognito to stay current',
      ),
      attributeMapping: AttributeMapping,
      groupRules: groupRules.default([]),
      trustedForAdmins: z
        .boolean()
        .optional()
        .describe(
          'Whether a sign-in through this provider may be linked to an existing native login in the admin group (default false: it gets a login of its own)',
        ),
    }),
    z.strictObject({
      type: z.literal('OIDC'),
      name: ProviderName,
      domains,
      issuer: HttpsUrl,
      clientId: text(256),
      clientSecret: text(1024).describe(
        'Write-only: kept in Secrets Manager (lms/identity-providers/<name>) and passed to Cognito; never returned',
      ),
      scopes: z
        .array(z.string().regex(/^[\w:./-]{1,256}$/))
        .min(1)
        .max(20)
        .refine((scopes) => scopes.includes('openid'), 'include openid')
        .default(['openid', 'email', 'profile']),
      attributesRequestMethod: z.enum(['GET', 'POST']).default('GET'),
      attributeMapping: AttributeMapping,
      groupRules: groupRules.default([]),
      trustedForAdmins: z
        .boolean()
        .optional()
        .describe(
          'Whether a sign-in through this provider may be linked to an existing native login in the admin group (default false: it gets a login of its own)',
        ),
    }),
  ])
  .superRefine((body, context) => {
    if (body.type === 'SAML' && (body.metadataXml === undefined) === (body.metadataUrl === undefined))
      context.addIssue({
        code: 'custom',
        path: ['metadataXml'],
        message: 'give metadataXml or metadataUrl, one of them',
      });
  })
  .meta({ id: 'CreateIdentityProvider' });
export type CreateIdentityProviderInput = z.infer<typeof CreateIdentityProviderBody>;

export const UpdateIdentityProviderBody = z
  .strictObject({
    domains: domains.optional(),
    attributeMapping: AttributeMapping.optional(),
    groupRules: groupRules.optional(),
    trustedForAdmins: z.boolean().optional(),
    metadataXml: z
      .string()
      .min(1)
      .max(256 * 1024)
      .optional()
      .describe('SAML: new metadata (certificate rollover)'),
    clientSecret: text(1024).optional().describe('OIDC: a rotated client secret'),
  })
  .refine((body) => Object.keys(body).length > 0, 'name at least one field to change')
  .meta({ id: 'UpdateIdentityProvider' });
export type UpdateIdentityProviderInput = z.infer<typeof UpdateIdentityProviderBody>;

export const SyncState = z.object({
  status: z.enum(['synced', 'aws-only']),
  at: IsoDateTime,
  message: z.string(),
});
export type SyncState = z.infer<typeof SyncState>;

export const IdentityProvider = z
  .object({
    id: Id,
    name: z.string(),
    type: z.enum(['SAML', 'OIDC']),
    domains: z.array(z.string()),
    attributeMapping: AttributeMapping,
    groupRules: z.array(GroupRule).default([]),
    /** Sign-ins through it may be linked to a native login in the admin group (off unless an admin says so). */
    trustedForAdmins: z.boolean().default(false),
    saml: z
      .object({
        entityId: z.string(),
        singleSignOnUrls: z.array(z.string()),
        signingCertificates: z.array(
          z.object({ subject: z.string(), notAfter: IsoDateTime, daysLeft: z.number() }),
        ),
        metadataUrl: z.string().nullable().default(null),
      })
      .nullable(),
    oidc: z
      .object({
        issuer: z.string(),
        clientId: z.string(),
        scopes: z.array(z.string()),
        attributesRequestMethod: z.enum(['GET', 'POST']),
      })
      .nullable(),
    sync: SyncState,
    warnings: z.array(z.string()),
    createdAt: IsoDateTime,
    updatedAt: IsoDateTime,
    version: z.number().int().min(1),
  })
  .meta({ id: 'IdentityProvider' });
export type IdentityProvider = z.infer<typeof IdentityProvider>;

export const IdentityProviderParams = z.strictObject({ id: Id });

export const DiscoverQuery = z.strictObject({ email: z.email().max(254) });

export const Discovery = z
  .object({
    email: z.string(),
    /** null: no provider for this domain, sign in with email and password. */
    provider: z.object({ name: z.string(), type: z.enum(['SAML', 'OIDC']) }).nullable(),
    /** The hosted sign-in URL that goes straight to the provider; null where there is no hosted UI. */
    authorizeUrl: z.string().nullable(),
    message: z.string(),
  })
  .meta({ id: 'Discovery' });
export type Discovery = z.infer<typeof Discovery>;
