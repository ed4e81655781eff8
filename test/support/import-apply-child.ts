/**
 * A run of an import's apply step in a process of its own, so a test can `kill -9` it half way
 * (import-resilience.test.ts). It runs with the local stack's environment (the parent's), on the table named,
 * through a DynamoDB client with injected faults, and prints one JSON line a second (the faults so far) and a
 * last one with the outcome, if it lives that long.
 *
 *   node --import tsx import-apply-child.ts <table> <import id> <run> <lease ms> <faults as JSON>
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { runApply } from '../../shared/use-cases/imports/apply.ts';
import { type DynamoDbFaultOptions, injectDynamoDbFaults } from './dynamodb-faults.ts';
import { documentClient, importTestPorts } from './import-ports.ts';

const [tableName, importId, run, leaseText, faultsJson] = process.argv.slice(2);
if (!tableName || !importId || !run || !leaseText || !faultsJson)
  throw new Error('usage: import-apply-child.ts <table> <import id> <run> <lease ms> <faults as JSON>');

const base = new DynamoDBClient({});
const faults = injectDynamoDbFaults(base, JSON.parse(faultsJson) as DynamoDbFaultOptions);
const ports = importTestPorts(documentClient(base), tableName);
const report = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);
const ticker = setInterval(() => report({ faults }), 1000);
const outcome = await runApply(ports, importId, run, {
  deadline: Date.now() + 60 * 60 * 1000,
  leaseMs: Number(leaseText),
});
clearInterval(ticker);
report({ outcome, faults });
