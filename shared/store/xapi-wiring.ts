/** Builds the LRS ports once per cold start. */
import { dynamoDb } from '../clients.ts';
import { requireSetting } from '../config.ts';
import type { AttemptProgress } from '../runtime/progress.ts';
import type { CredentialDeps } from '../xapi/credentials.ts';
import type { DocumentDeps } from '../xapi/lrs-documents.ts';
import type { LrsDeps } from '../xapi/lrs-statements.ts';
import { attemptProgress } from './attempt-progress.ts';
import { systemRuntime } from './wiring.ts';
import { DynamoXapiDocumentStore } from './xapi-document-store.ts';
import { DynamoLrsStore } from './xapi-store.ts';

/** The session's credentials and the document resources: no progress to report. */
export function lrsPorts(): CredentialDeps & DocumentDeps {
  const client = dynamoDb();
  const tableName = requireSetting('tableName');
  return {
    store: new DynamoLrsStore(client, tableName),
    documents: new DynamoXapiDocumentStore(client, tableName),
    runtime: systemRuntime,
  };
}

/**
 * {@link lrsPorts} and the attempts' progress, for the Statement resource. The progress port is taken at
 * the first report, so requests that report nothing (reads, refusals) never depend on it.
 */
export function lrsStatementPorts(): LrsDeps & CredentialDeps {
  let progress: AttemptProgress | undefined;
  const wired = () => {
    progress ??= attemptProgress();
    return progress;
  };
  return {
    ...lrsPorts(),
    progress: {
      initialized: (attemptId, at) => wired().initialized(attemptId, at),
      record: (attemptId, update) => wired().record(attemptId, update),
    },
  };
}
