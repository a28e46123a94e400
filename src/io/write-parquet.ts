/**
 * @module io/write-parquet
 * Writes rows of nested records (strings, numbers, lists, structs) as one Parquet file with hyparquet-writer, atomically,
 * a row group at a time.
 * Lists use the standard 3-level LIST layout, so pyarrow and Hugging Face `datasets` read them as lists.
 */
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { SchemaElement } from 'hyparquet';
import { fileWriter, ParquetWriter } from 'hyparquet-writer';
import { DataError } from '../errors.js';
import { temporaryPathFor } from './write-file-atomic.js';

/** The type of one Parquet field. Every field is required unless `optional` (then `null`/`undefined` is allowed). */
export type ParquetType =
  | { kind: 'string'; optional?: boolean }
  | { kind: 'int64'; optional?: boolean }
  | { kind: 'double'; optional?: boolean }
  | { kind: 'boolean'; optional?: boolean }
  | { kind: 'list'; element: ParquetType; optional?: boolean }
  | { kind: 'struct'; fields: Record<string, ParquetType>; optional?: boolean };

/**
 * Rows per row group: a group is converted and encoded in memory, so this bounds the writer's memory, not the row
 * count. Small enough for a group's objects to die young: with 10,000, 300,000 verl rows peaked at 448 MB, not 272 MB.
 */
export const parquetRowGroupRows = 1_000;

/**
 * Encodes rows against `columns` and writes them to `file` through a temp file and a rename, one row group at a time:
 * `rows` may be a generator, and at most one group of rows is held. Returns the number of rows written.
 */
export function writeParquet(
  file: string,
  options: { columns: Record<string, ParquetType>; rows: Iterable<Record<string, unknown>>; rowGroupRows?: number },
): number {
  const schema: SchemaElement[] = [{ name: 'root', num_children: Object.keys(options.columns).length }];
  for (const [name, type] of Object.entries(options.columns)) schema.push(...schemaElements(name, type));
  const columns = Object.entries(options.columns);
  const groupRows = options.rowGroupRows ?? parquetRowGroupRows;
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = temporaryPathFor(file);
  try {
    const parquet = new ParquetWriter({ writer: fileWriter(temporary), schema });
    let group: unknown[][] = columns.map(() => []);
    let rows = 0;
    const writeGroup = () => {
      const size = group[0]?.length ?? 0;
      if (size === 0) return;
      parquet.write({
        columnData: columns.map(([name], index) => ({ name, data: group[index]! })),
        rowGroupSize: size,
      });
      group = columns.map(() => []);
    };
    for (const row of options.rows) {
      columns.forEach(([name, type], index) => {
        group[index]!.push(convertValue(row[name], type, `row ${rows}, column ${name}`));
      });
      rows += 1;
      if (rows % groupRows === 0) writeGroup();
    }
    writeGroup();
    parquet.finish();
    renameSync(temporary, file);
    return rows;
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

function schemaElements(name: string, type: ParquetType): SchemaElement[] {
  const repetition_type = type.optional ? 'OPTIONAL' : 'REQUIRED';
  switch (type.kind) {
    case 'string':
      return [{ name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type }];
    case 'int64':
      return [{ name, type: 'INT64', repetition_type }];
    case 'double':
      return [{ name, type: 'DOUBLE', repetition_type }];
    case 'boolean':
      return [{ name, type: 'BOOLEAN', repetition_type }];
    case 'list':
      return [
        { name, repetition_type, converted_type: 'LIST', num_children: 1 },
        { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
        ...schemaElements('element', type.element),
      ];
    case 'struct': {
      const children = Object.entries(type.fields).flatMap(([field, inner]) => schemaElements(field, inner));
      return [{ name, repetition_type, num_children: Object.keys(type.fields).length }, ...children];
    }
  }
}

/** Checks a value against its type and converts int64 numbers to bigint, as hyparquet-writer expects. */
function convertValue(value: unknown, type: ParquetType, where: string): unknown {
  if (value === null || value === undefined) {
    if (type.optional) return null;
    throw new DataError(`a required Parquet field is missing at ${where}`, {
      hint: 'this is a bug in the exporter: every required field must be set',
    });
  }
  const mismatch = (): never => {
    throw new DataError(`expected ${type.kind} at ${where}, got ${JSON.stringify(value)}`, {
      hint: 'this is a bug in the exporter: the row does not match its Parquet columns',
    });
  };
  switch (type.kind) {
    case 'string':
      return typeof value === 'string' ? value : mismatch();
    case 'int64':
      return typeof value === 'number' && Number.isInteger(value)
        ? BigInt(value)
        : typeof value === 'bigint'
          ? value
          : mismatch();
    case 'double':
      return typeof value === 'number' ? value : mismatch();
    case 'boolean':
      return typeof value === 'boolean' ? value : mismatch();
    case 'list':
      return Array.isArray(value)
        ? value.map((item, index) => convertValue(item, type.element, `${where}[${index}]`))
        : mismatch();
    case 'struct': {
      if (typeof value !== 'object' || Array.isArray(value)) return mismatch();
      const record = value as Record<string, unknown>;
      return Object.fromEntries(
        Object.entries(type.fields).map(([field, inner]) => [
          field,
          convertValue(record[field], inner, `${where}.${field}`),
        ]),
      );
    }
  }
}
