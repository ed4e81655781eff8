/**
 * Machine clients: the HRIS, CRM and other systems that call the API with the OAuth 2.0 client-credentials
 * grant. Each is a Cognito app client holding some scopes of the `lms` resource server; routes name the
 * scopes they accept in the manifest.
 */
import * as z from 'zod';
import { type ApiScope, SCOPE_NAMES } from './api-scopes.ts';
import { IsoDateTime, text } from './common.ts';

export const ApiScopeName = z.enum(SCOPE_NAMES as [ApiScope, ...ApiScope[]]);

/** Cognito's client-secret limit: two active secrets per app client (rotation without downtime). */
export const MAX_ACTIVE_SECRETS = 2;

/** Minutes a client-credentials access token lives: short, because a revoked client's tokens live on. */
export const MACHINE_TOKEN_MINUTES = 15;

export const ApiClientSecretInfo = z
  .strictObject({
    id: text(128).describe('Secret id (Cognito ClientSecretId): name it when retiring the secret'),
    createdAt: IsoDateTime,
  })
  .meta({ id: 'ApiClientSecretInfo' });
export type ApiClientSecretInfo = z.infer<typeof ApiClientSecretInfo>;

export const ApiClient = z
  .strictObject({
    clientId: text(128).describe('OAuth client id (the Cognito app client id)'),
    name: text(128),
    description: text(1024).nullable(),
    scopes: z.array(ApiScopeName),
    secrets: z.array(ApiClientSecretInfo).describe('Active secrets, without their values'),
    createdAt: IsoDateTime,
    createdBy: text(256),
    updatedAt: IsoDateTime,
    version: z.number().int(),
  })
  .meta({ id: 'ApiClient' });
export type ApiClient = z.infer<typeof ApiClient>;

/** A secret's value, in the one response that creates it; it is never stored by the LMS nor shown again. */
export const IssuedSecret = z
  .strictObject({
    id: text(128),
    value: z.string().describe('The client secret: shown once, store it in your secret manager now'),
    createdAt: IsoDateTime,
  })
  .meta({ id: 'IssuedSecret' });
export type IssuedSecret = z.infer<typeof IssuedSecret>;

const scopes = z
  .array(ApiScopeName)
  .min(1)
  .max(SCOPE_NAMES.length)
  .refine((list) => new Set(list).size === list.length, 'each scope once')
  .describe(`Scopes the client may ask for: ${SCOPE_NAMES.join(', ')}`);

export const CreateApiClientInput = z
  .strictObject({
    name: z
      .string()
      .trim()
      .regex(/^[\w\s+=,.@-]{3,64}$/, '3 to 64 letters, digits, spaces or +=,.@-_')
      .describe('What the integration is, e.g. "Workday HR sync"'),
    description: text(1024).optional(),
    scopes,
  })
  .meta({ id: 'CreateApiClientInput' });
export type CreateApiClientInput = z.infer<typeof CreateApiClientInput>;

export const UpdateApiClientInput = z
  .strictObject({ description: text(1024).nullable().optional(), scopes: scopes.optional() })
  .refine((input) => input.description !== undefined || input.scopes !== undefined, 'change something')
  .meta({ id: 'UpdateApiClientInput' });
export type UpdateApiClientInput = z.infer<typeof UpdateApiClientInput>;

export const ApiClientCreated = z
  .strictObject({
    client: ApiClient,
    secret: IssuedSecret,
    tokenUrl: z.url().describe('POST grant_type=client_credentials here, with the id and secret (Basic)'),
  })
  .meta({ id: 'ApiClientCreated' });

export const SecretIssued = z
  .strictObject({ client: ApiClient, secret: IssuedSecret })
  .meta({ id: 'SecretIssued' });

export const ApiClientList = z.strictObject({ items: z.array(ApiClient) }).meta({ id: 'ApiClientList' });

/** Cognito app client ids: 1 to 128 word characters (26 lowercase letters and digits in practice). */
export const ApiClientParams = z.strictObject({
  clientId: z.string().regex(/^[\w+]{1,128}$/, 'a client id'),
});
export const ApiClientSecretParams = ApiClientParams.extend({
  secretId: z.string().regex(/^[\w+=,.@:-]{1,128}$/, 'a secret id'),
});
