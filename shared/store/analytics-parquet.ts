/**
 * The analytics export's workspace on local disk (/tmp in Lambda): one NDJSON file per exported entity,
 * written row by row as the table is scanned (never the whole table in memory), then turned into Parquet by
 * DuckDB, `COPY (SELECT ... FROM read_json(...)) TO ... (FORMAT PARQUET, COMPRESSION ZSTD)`, with the
 * entity's explicit columns and types. Erased people are masked in that SELECT, from the run's final list of
 * them, so a person erased while the scan ran still leaves every file.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { appendFile, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type { AnalyticsColumn, AnalyticsEntity, AnalyticsEntityName, Row } from '../analytics/schemas.ts';
import type { ExportWorkspace, ParquetFile } from '../use-cases/analytics-export.ts';

/** How DuckDB may use the function's resources (sized with the export function's memory, see the manifest). */
export interface DuckDbLimits {
  /** @default 2 */
  readonly threads?: number;
  /** DuckDB's memory limit; it spills to the workspace beyond it. @default '1GB' */
  readonly memoryLimit?: string;
}

/** The people's departments, for the completions' department (`departmentOfPerson`). */
const PERSON_DEPARTMENTS = '_person_departments';

/** Opens a workspace in a new temporary directory under `root` (the OS's temp dir by default). */
export async function openParquetWorkspace(
  limits: DuckDbLimits = {},
  root: string = tmpdir(),
): Promise<ExportWorkspace> {
  const dir = await mkdtemp(path.join(root, 'lms-export-'));
  const instance = await DuckDBInstance.create(':memory:', {
    threads: String(limits.threads ?? 2),
    memory_limit: limits.memoryLimit ?? '1GB',
    temp_directory: path.join(dir, 'duckdb-spill'),
    // Rows need no order in the files; without it COPY streams with less memory.
    preserve_insertion_order: 'false',
  });
  return new ParquetWorkspace(dir, instance, await instance.connect());
}

class ParquetWorkspace implements ExportWorkspace {
  private readonly streams = new Map<string, WriteStream>();
  private finished = false;

  constructor(
    private readonly dir: string,
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  append(entity: AnalyticsEntityName, rows: readonly Row[]): Promise<void> {
    return this.write(entity, rows);
  }

  recordPersonDepartments(people: readonly { userId: string; departmentId: string | null }[]): Promise<void> {
    return this.write(
      PERSON_DEPARTMENTS,
      people.map((person) => ({ user_id: person.userId, department_id: person.departmentId })),
    );
  }

  async finishRows(erasedUserIds: readonly string[]): Promise<void> {
    this.finished = true;
    await Promise.all(
      [...this.streams.values()].map(
        (stream) =>
          new Promise<void>((resolve, reject) => {
            stream.once('error', reject);
            stream.end(() => resolve());
          }),
      ),
    );
    await this.connection.run('CREATE TEMP TABLE erased_people (id VARCHAR PRIMARY KEY)');
    const appender = await this.connection.createAppender('erased_people');
    for (const id of new Set(erasedUserIds)) {
      appender.appendVarchar(id);
      appender.endRow();
    }
    appender.closeSync();
    await this.connection.run(
      'SET VARIABLE erased_people = (SELECT coalesce(list(id), []::VARCHAR[]) FROM erased_people)',
    );
  }

  async toParquet(entity: AnalyticsEntity): Promise<ParquetFile> {
    if (!this.finished) throw new Error('finishRows first: the NDJSON files are still being written');
    const file = path.join(this.dir, `${entity.name}.parquet`);
    // An entity with no rows has had no file opened: an empty one is its zero rows.
    await appendFile(this.fileOf(entity.name), '');
    if (entity.departmentOfPerson) await appendFile(this.fileOf(PERSON_DEPARTMENTS), '');
    await this.connection.run(
      `COPY (${this.selectOf(entity)}) TO ${literal(file)} (FORMAT PARQUET, COMPRESSION ZSTD)`,
    );
    // The rows as the written file says, not as the COPY reported: what the manifest vouches for.
    const counted = await this.connection.runAndReadAll(
      `SELECT count(*) AS rows FROM read_parquet(${literal(file)})`,
    );
    const rows = Number(counted.getRowObjects()[0]?.rows ?? -1);
    return { path: file, rows, bytes: (await stat(file)).size, sha256: await sha256Of(file) };
  }

  async dispose(): Promise<void> {
    for (const stream of this.streams.values()) stream.destroy();
    this.connection.closeSync();
    this.instance.closeSync();
    await rm(this.dir, { recursive: true, force: true });
  }

  /** The entity's rows with its columns typed, and the people it names masked when erased. */
  private selectOf(entity: AnalyticsEntity): string {
    const columns = entity.columns.filter(
      (column) => !(entity.departmentOfPerson && column.name === 'department_id'),
    );
    const source = `read_json(${literal(this.fileOf(entity.name))}, format='newline_delimited', columns=${columnTypes(columns)})`;
    const selected = entity.columns.map((column) =>
      entity.departmentOfPerson && column.name === 'department_id'
        ? 'person.department_id AS department_id'
        : `${masked(`source.${identifier(column.name)}`, column)} AS ${identifier(column.name)}`,
    );
    const from = entity.departmentOfPerson
      ? `${source} AS source LEFT JOIN read_json(${literal(this.fileOf(PERSON_DEPARTMENTS))}, format='newline_delimited', columns={user_id: 'VARCHAR', department_id: 'VARCHAR'}) AS person ON person.user_id = source.user_id`
      : `${source} AS source`;
    return `SELECT ${selected.join(', ')} FROM ${from}`;
  }

  private fileOf(name: string): string {
    return path.join(this.dir, `${name}.ndjson`);
  }

  /** One write per page of rows: a write (and its await) per row would cost more than DuckDB's COPY. */
  private async write(name: string, rows: readonly Row[]): Promise<void> {
    if (rows.length === 0) return;
    if (this.finished) throw new Error(`The rows of ${name} arrive after the export finished its rows`);
    let stream = this.streams.get(name);
    if (!stream) {
      stream = createWriteStream(this.fileOf(name));
      this.streams.set(name, stream);
    }
    let lines = '';
    for (const row of rows) lines += `${JSON.stringify(row)}\n`;
    if (!stream.write(lines)) {
      const waiting = stream;
      await new Promise<void>((resolve) => waiting.once('drain', resolve));
    }
  }
}

/** `read_json`'s `columns` struct: each column's name and DuckDB type. */
function columnTypes(columns: readonly AnalyticsColumn[]): string {
  return `{${columns.map((column) => `${identifier(column.name)}: ${literal(column.type)}`).join(', ')}}`;
}

/** The column as exported: an erased person's id becomes null (or leaves a list of ids). */
function masked(expression: string, column: AnalyticsColumn): string {
  switch (column.names) {
    case 'person':
      return `CASE WHEN ${expression} IN (SELECT id FROM erased_people) THEN NULL ELSE ${expression} END`;
    case 'people':
      return `list_filter(${expression}, id -> NOT list_contains(getvariable('erased_people'), id))`;
    case 'target':
      return `CASE WHEN list_has_any(string_split(${expression}, ':'), getvariable('erased_people')) THEN NULL ELSE ${expression} END`;
    default:
      return expression;
  }
}

/** A SQL string literal (paths come from mkdtemp and entity names from the schema, but quote them anyway). */
function literal(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** A quoted SQL identifier (`at` is a keyword). */
function identifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
