/**
 * `wxpay bill --date YYYY-MM-DD [--type trade|fundflow|subfundflow --sub-mchid ID] [--gzip] [-o FILE]`:
 * asks WeChat Pay for the bill, downloads it (gzipped on the wire with --gzip; a sub-merchant's
 * fund-flow bill encrypted, each part in `bill_sequence` order), checks its digest and writes it
 * atomically: a temp file beside the target, renamed once complete; nothing is left on failure.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Builder } from '../client.js';
import { ArgumentError } from '../errors.js';
import type { DownloadAnswer } from '../files/download.js';
import type { CliConfig } from './config.js';
import { formatBytes, progress, type ProgressSink } from './progress.js';

/** What `wxpay bill` was asked for. */
export interface BillRequest {
  date: string;
  type: 'trade' | 'fundflow' | 'subfundflow';
  /** The sub-merchant of a `subfundflow` bill. */
  subMchid?: string | undefined;
  gzip: boolean;
  output?: string | undefined;
}

/** Checks `--date` and `--type`; throws `ERR_ARGUMENT` naming the flag. */
export function billRequestOf(values: { date?: string | undefined; type?: string | undefined; 'sub-mchid'?: string | undefined; gzip?: boolean | undefined; output?: string | undefined }): BillRequest {
  const { date, type = 'trade', gzip = false, output, 'sub-mchid': subMchid } = values;
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date ?? '');
  const real = day && new Date(Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3]))).toISOString().startsWith(date!);
  if (!real) throw new ArgumentError('ERR_ARGUMENT', '--date must be a day as YYYY-MM-DD');
  if (type !== 'trade' && type !== 'fundflow' && type !== 'subfundflow') throw new ArgumentError('ERR_ARGUMENT', '--type must be trade, fundflow or subfundflow');
  if ((type === 'subfundflow') !== (subMchid !== undefined)) throw new ArgumentError('ERR_ARGUMENT', '--sub-mchid goes with --type subfundflow, and only there');
  if (subMchid !== undefined && !/^\d{1,32}$/.test(subMchid)) throw new ArgumentError('ERR_ARGUMENT', '--sub-mchid must be a merchant id (digits)');
  return { date: date!, type, subMchid, gzip, output };
}

/** A bill written to disk. */
export interface BillWritten {
  file: string;
  bytes: number;
  /** Whether the answer gave a digest and the file matched it. */
  verified: boolean;
}

/** Downloads the bill to its file; resolves to the file's path and size. */
export async function downloadBill(request: BillRequest, config: CliConfig, sink: ProgressSink): Promise<BillWritten> {
  const wxpay = Builder.factory(config.client);
  const parts = await partsOf(wxpay, request);
  const file = resolve(request.output ?? `${request.type}bill-${request.date}.csv`);
  const temp = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString('hex')}.part`);
  const bar = progress(sink);
  let received = 0;
  let total: number | undefined;
  try {
    for (const [index, part] of parts.entries()) {
      const before = received;
      // A bill may be large: no deadline on the whole download, the transport's errors still end it.
      const stream = await wxpay.download(part, {
        stream: true,
        timeout: 0,
        onProgress: (bytes, size) => {
          received = before + bytes;
          total = size === undefined ? undefined : before + size;
          bar.update(received, total);
        },
      });
      await pipeline(stream, createWriteStream(temp, { flags: index === 0 ? 'wx' : 'a', mode: 0o600 }));
    }
    await rename(temp, file);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  bar.finish(received, total);
  return { file, bytes: (await stat(file)).size, verified: parts.every((part) => Boolean(part.hash_value)) };
}

/** The files that make up the bill: one, or a sub-merchant's encrypted parts in `bill_sequence` order. */
async function partsOf(wxpay: ReturnType<typeof Builder.factory>, request: BillRequest): Promise<DownloadAnswer[]> {
  const tar = request.gzip ? { tar_type: 'GZIP' as const } : {};
  if (request.type === 'subfundflow') {
    const query = { sub_mchid: request.subMchid!, bill_date: request.date, account_type: 'BASIC' as const, algorithm: 'AEAD_AES_256_GCM' as const, ...tar };
    const { data } = await wxpay.v3.bill.subMerchantFundflowbill.get({ query });
    const list = [...(data.download_bill_list ?? [])].sort((a, b) => a.bill_sequence - b.bill_sequence);
    if (list.length === 0) throw new ArgumentError('ERR_ARGUMENT', 'the answer lists no bill file');
    return list;
  }
  const endpoint = request.type === 'trade' ? wxpay.v3.bill.tradebill : wxpay.v3.bill.fundflowbill;
  const { data } = await endpoint.get<DownloadAnswer>({ query: { bill_date: request.date, ...tar } });
  return [data];
}

/** The line printed once the bill is written. */
export function billSummary({ file, bytes, verified }: BillWritten): string {
  return `${file}\n  ${formatBytes(bytes)} (${bytes} bytes), ${verified ? 'digest verified' : 'no digest given'}\n`;
}
