/**
 * Imports over HTTP, as an administrator's script runs them: ask for an upload and PUT the file where the
 * API says, wait for the background steps (the plan on the upload's S3 event, apply and undo on the imports
 * queue), read the plan page by page.
 */
import { expect } from 'vitest';
import { api } from './http.ts';

/** Starts an import of `file` and uploads it as the API says; answers the import's id. */
export async function uploadImport(
  token: string,
  file: string | Uint8Array,
  body: Record<string, unknown>,
): Promise<string> {
  const bytes = typeof file === 'string' ? Buffer.from(file, 'utf8') : file;
  const created = await api('POST', '/imports', {
    token,
    body: { fileName: 'people.csv', sizeBytes: bytes.length, ...body },
  });
  expect(created.status, created.text).toBe(202);
  expect(created.json.import.status).toBe('uploading');
  const { url, headers } = created.json.upload;
  const put = await fetch(url, { method: 'PUT', headers, body: new Uint8Array(bytes) });
  expect(put.status).toBe(200);
  return created.json.import.id as string;
}

/** Polls the import until it reaches one of `statuses` (planning and apply run in the background). */
// biome-ignore lint/suspicious/noExplicitAny: tests read the import's JSON
export async function importWhen(token: string, id: string, statuses: readonly string[]): Promise<any> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const response = await api('GET', `/imports/${id}`, { token });
    if (statuses.includes(response.json.status) || Date.now() > deadline) return response.json;
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

export interface PlanEntryView {
  file: string;
  line: number;
  action: string;
  target: { kind: string; id: string | null; key: string };
  diffs: Record<string, { from: unknown; to: unknown }>;
  kept?: Record<string, { from: unknown; to: unknown }>;
  error?: { column: string | null; reason: string };
  warnings?: string[];
}

/** Every entry of the plan (all pages), or one action's. */
export async function planOf(token: string, id: string, action?: string): Promise<PlanEntryView[]> {
  const entries: PlanEntryView[] = [];
  let cursor: string | undefined;
  do {
    const query = new URLSearchParams({
      limit: '7',
      ...(action ? { action } : {}),
      ...(cursor ? { cursor } : {}),
    });
    const page = await api('GET', `/imports/${id}/plan?${query}`, { token });
    expect(page.status, page.text).toBe(200);
    entries.push(...page.json.items);
    cursor = page.json.nextCursor ?? undefined;
  } while (cursor);
  return entries;
}

/** Everyone GET /users lists (all pages), in id order: what an import and its undo must leave as found. */
export function everyone(token: string): Promise<Record<string, unknown>[]> {
  return listAll(token, '/users');
}

/** The person with this email, if any. */
export async function personByEmail(token: string, email: string) {
  const found = await api('GET', `/users?email=${encodeURIComponent(email)}`, { token });
  return found.json.items[0] as Record<string, unknown> | undefined;
}

/**
 * Every item a list route gives (all pages), in id order: what an import and its undo must leave as found
 * (`/departments`, `/courses`, `/courses/{id}/enrollments`).
 */
export async function listAll(token: string, path: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let cursor: string | undefined;
  do {
    const query = new URLSearchParams({ limit: '100', ...(cursor ? { cursor } : {}) });
    const page = await api('GET', `${path}${path.includes('?') ? '&' : '?'}${query}`, { token });
    expect(page.status, page.text).toBe(200);
    items.push(...page.json.items);
    cursor = page.json.nextCursor ?? undefined;
  } while (cursor);
  const key = (item: Record<string, unknown>) => String(item.id ?? `${item.courseId}/${item.userId}`);
  return items.sort((a, b) => key(a).localeCompare(key(b)));
}
