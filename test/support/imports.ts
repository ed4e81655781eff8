/**
 * Imports over HTTP for e2e tests, as an administrator's script drives them: ask for an upload, PUT the file
 * where the API says, poll the import (plan, apply and undo run in the background), read the plan.
 */
import { expect } from 'vitest';
import { api } from './http.ts';

/** Starts an import of `bytes` and uploads them as the API says; answers the import's id. */
export async function uploadImport(
  token: string,
  bytes: Uint8Array,
  body: { type: string; format: string; fileName: string; mode?: string; options?: object },
): Promise<string> {
  const created = await api('POST', '/imports', { token, body: { sizeBytes: bytes.length, ...body } });
  expect(created.status, created.text).toBe(202);
  const { url, headers } = created.json.upload;
  const put = await fetch(url, { method: 'PUT', headers, body: new Uint8Array(bytes) });
  expect(put.status).toBe(200);
  return created.json.import.id as string;
}

/** Polls the import until it reaches one of `statuses`; answers it (as it is at the deadline otherwise). */
// biome-ignore lint/suspicious/noExplicitAny: tests read the import's JSON
export async function importUntil(token: string, id: string, statuses: readonly string[]): Promise<any> {
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
  error?: { column: string | null; reason: string };
  warnings?: string[];
}

/** Every entry of the plan, all pages. */
export async function planEntries(token: string, id: string): Promise<PlanEntryView[]> {
  const entries: PlanEntryView[] = [];
  let cursor: string | undefined;
  do {
    const query = new URLSearchParams({ limit: '100', ...(cursor ? { cursor } : {}) });
    const page = await api('GET', `/imports/${id}/plan?${query}`, { token });
    expect(page.status, page.text).toBe(200);
    entries.push(...page.json.items);
    cursor = page.json.nextCursor ?? undefined;
  } while (cursor);
  return entries;
}

/** Everyone GET /users lists (all pages), in id order: what an import and its undo must leave as found. */
export async function everyone(token: string): Promise<Record<string, unknown>[]> {
  const people: Record<string, unknown>[] = [];
  let cursor: string | undefined;
  do {
    const query = new URLSearchParams({ limit: '100', ...(cursor ? { cursor } : {}) });
    const page = await api('GET', `/users?${query}`, { token });
    expect(page.status, page.text).toBe(200);
    people.push(...page.json.items);
    cursor = page.json.nextCursor ?? undefined;
  } while (cursor);
  return people.sort((a, b) => String(a.id).localeCompare(String(b.id)));
}

/** The person with this email, if any. */
export async function personByEmail(token: string, email: string) {
  const found = await api('GET', `/users?email=${encodeURIComponent(email)}`, { token });
  return found.json.items[0] as Record<string, unknown> | undefined;
}
