/**
 * `npm run token -- <email>`: signs a seeded user in against the running local Cognito and prints the ID
 * token as the last line (the token API Gateway's Cognito authorizer accepts). Password: the demo one, or
 * LMS_PASSWORD.
 */
import { existsSync, readFileSync } from 'node:fs';
import { signIn } from './cognito.ts';
import { STACK_FILE } from './paths.ts';
import { DEMO_PASSWORD } from './seed.ts';

const email = process.argv[2];
if (!email?.includes('@')) {
  console.error('Usage: npm run token -- <email>   (for example admin@example.com)');
  process.exit(2);
}
if (!existsSync(STACK_FILE)) {
  console.error('The local stack is not running: start it with `npm start` in another terminal.');
  process.exit(1);
}
const stack = JSON.parse(readFileSync(STACK_FILE, 'utf8'));
try {
  const tokens = await signIn(
    stack.endpoints,
    stack.resources,
    email,
    process.env.LMS_PASSWORD ?? DEMO_PASSWORD,
  );
  console.log(tokens.idToken);
} catch (error) {
  console.error(`Could not sign ${email} in: ${(error as Error).message}`);
  process.exit(1);
}
