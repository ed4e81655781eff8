/**
 * Where cognito-local's tokens come from for one user pool: the issuer (`iss`) and the JWKS beside it, laid out
 * as Cognito's `https://cognito-idp.<region>.amazonaws.com/<poolId>`. Its own module because both
 * resources.ts (which puts them in the local environment) and cognito.ts (which verifies tokens) need them,
 * and neither should import the other.
 */
import type { EmulatorEndpoints } from './emulators.ts';

type PoolRef = { userPoolId: string };

/** The `iss` of tokens issued by cognito-local for the pool: `http://127.0.0.1:<port>/<poolId>`. */
export function cognitoIssuer(endpoints: Pick<EmulatorEndpoints, 'cognito'>, pool: PoolRef): string {
  return `${endpoints.cognito}/${pool.userPoolId}`;
}

/** Where cognito-local serves the pool's public keys (the same key for every pool). */
export function cognitoJwksUri(endpoints: Pick<EmulatorEndpoints, 'cognito'>, pool: PoolRef): string {
  return `${cognitoIssuer(endpoints, pool)}/.well-known/jwks.json`;
}
