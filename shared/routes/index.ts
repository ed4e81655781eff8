/**
 * The route manifest: every HTTP route of the product, declared once. The CDK API stack, the local gateway,
 * the OpenAPI document and the authorization-matrix test all read this list; a route that is not here does
 * not exist anywhere.
 */
import type { RouteDefinition } from '../http/route.ts';
import * as departments from './departments.ts';
import * as system from './system.ts';
import * as users from './users.ts';

export const routes: readonly RouteDefinition[] = [
  ...Object.values(system),
  ...Object.values(users),
  ...Object.values(departments),
];
