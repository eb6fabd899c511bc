/**
 * WeChat Pay's bill format (trade and fund-flow bills): a header row, rows whose fields each start
 * with a backtick (so spreadsheets keep long numbers as text), then a summary header and one
 * summary row. csv-parse reads the records; this module only gives them their shape.
 */
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse, type Options } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';

/** A parsed bill: the header names (Chinese, as WeChat Pay writes them), the rows and the summary. */
export interface ParsedBill {
  columns: string[];
  rows: Record<string, string>[];
  summary: Record<string, string>;
}

const OPTIONS: Options = {
  bom: true,
  // The summary has fewer columns than the rows.
  relax_column_count: true,
  // Product names may hold a stray quote; WeChat Pay does not quote fields.
  relax_quotes: true,
  skip_empty_lines: true,
};

/** A field without its leading backtick and surrounding blanks. */
function field(text: string | undefined): string {
  const value = (text ?? '').trim();
  return value.startsWith('`') ? value.slice(1) : value;
}

function objectOf(columns: readonly string[], record: readonly string[]): Record<string, string> {
  const row: Record<string, string> = {};
  columns.forEach((name, i) => {
    row[name] = field(record[i]);
  });
  return row;
}

/**
 * Sorts records into the bill's parts as they come: the first record names the columns, records
 * whose first field starts with a backtick are rows, the first other record after them names the
 * summary's columns and the next is the summary.
 */
class BillShape {
  columns: string[] | undefined;
  summaryColumns: string[] | undefined;
  summary: Record<string, string> = {};

  /** The row object of `record`, or `undefined` for a header or summary record. */
  take(record: string[]): Record<string, string> | undefined {
    if (!this.columns) {
      this.columns = record.map(field);
      return undefined;
    }
    if (!this.summaryColumns) {
      if ((record[0] ?? '').trimStart().startsWith('`')) return objectOf(this.columns, record);
      this.summaryColumns = record.map(field);
      return undefined;
    }
    this.summary = objectOf(this.summaryColumns, record);
    return undefined;
  }
}

/** Bills as objects: {@link Bill.parse} for text in memory, {@link Bill.rows} for a stream. */
export const Bill = {
  /** Parses a whole bill: `{ columns, rows, summary }`, the Chinese headers as keys, BOM and backticks stripped. */
  parse(text: string | Buffer): ParsedBill {
    const shape = new BillShape();
    const rows: Record<string, string>[] = [];
    for (const record of parseSync(text, OPTIONS) as string[][]) {
      const row = shape.take(record);
      if (row) rows.push(row);
    }
    return { columns: shape.columns ?? [], rows, summary: shape.summary };
  },

  /** Yields a bill's row objects as the stream delivers them, in constant memory; the summary is left out. */
  async *rows(stream: Readable | AsyncIterable<Buffer | string>): AsyncGenerator<Record<string, string>> {
    const shape = new BillShape();
    const parser = parse(OPTIONS);
    // pipeline carries backpressure, and a source error reaches the reader as the parser's error.
    const feeding = pipeline(stream, parser).catch(() => undefined);
    try {
      for await (const record of parser) {
        const row = shape.take(record as string[]);
        if (row) yield row;
      }
      await feeding;
    } finally {
      // A reader that stops early stops the source too.
      if (!parser.destroyed) parser.destroy();
    }
  },
};
