/**
 * vitest setupFile: points this worker at the local stack started by test/global-setup.ts, exactly as the
 * local gateway configures a handler process (same variables), and drops clients/settings cached before.
 */
import { inject } from 'vitest';
import { resetClients } from '../shared/clients.ts';
import { resetSettingsCache } from '../shared/config.ts';

Object.assign(process.env, inject('localEnv'));
resetClients();
resetSettingsCache();
