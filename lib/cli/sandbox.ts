/**
 * `wxpay sandbox`: the sandbox as a standalone server for any language's SDK. It writes the
 * merchant key, the platform public key (or certificate) and a `config.json` into a directory,
 * prints one JSON line saying where everything is, and serves on 127.0.0.1 until SIGINT or
 * SIGTERM (or `stop` aborts), then stops cleanly.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Sandbox, type FactOperation, type SandboxMode } from '../testing/index.js';

/** What `wxpay sandbox --help` prints. */
export const SANDBOX_USAGE = `Usage: wxpay sandbox [--port N] [--mode pubkey|certificate] [--dir D] [--callback-retry-ms MS,MS,…] [--refund-delay-ms MS] [--facts FILE]

Runs a local WeChat Pay gateway on 127.0.0.1 for any SDK: writes the merchant key, the platform
key (or certificate) and config.json into D, prints one JSON line
{"url","mchid","serial","privateKey","certs","apiv3Key","secret","dir"} (secret: the APIv2 key), and serves until Ctrl-C.
Dashboard: <url>sandbox/ in a browser on this machine (loopback only).
Control routes (unsigned, loopback only): POST /sandbox/pay {"out_trade_no","trade_state"},
POST /sandbox/refund {"out_refund_no","status"}, POST /sandbox/transfer {"out_bill_no","state"},
GET /sandbox/callbacks.

      --port N                 default: a free port
      --mode M                 pubkey (default) or certificate
      --dir D                  default: a new directory under the system temp dir
      --callback-retry-ms L    waits between callback tries, default 1000,2000,4000,…,128000
      --refund-delay-ms MS     how long refunds stay PROCESSING, default 1000
      --facts FILE             a facts file (scripts/openapi/facts.json): check every request
                               against it and answer every other operation with made-up data
  -h, --help                   this text
`;

/** Where the command writes, and how a test stops it instead of a signal. */
export interface SandboxCommandIO {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Stops the server as SIGINT would. */
  stop?: AbortSignal;
}

/** A bad command line; the caller prints its message with the usage. */
export class SandboxUsageError extends Error {}

function numbers(text: string, name: string): number[] {
  const list = text.split(',').map((item) => item.trim());
  if (!list.every((item) => /^\d{1,9}$/.test(item))) throw new SandboxUsageError(`${name} must be a comma-separated list of whole milliseconds`);
  return list.map(Number);
}

function options(argv: string[]) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        mode: { type: 'string' },
        dir: { type: 'string' },
        'callback-retry-ms': { type: 'string' },
        'refund-delay-ms': { type: 'string' },
        facts: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (error) {
    throw new SandboxUsageError((error as Error).message.split('.')[0]!);
  }
  const port = parsed.port === undefined ? 0 : Number(parsed.port);
  if (!/^\d{1,5}$/.test(parsed.port ?? '0') || port > 65535) throw new SandboxUsageError('--port must be a port number (0 to 65535)');
  const mode = (parsed.mode ?? 'pubkey') as SandboxMode;
  if (mode !== 'pubkey' && mode !== 'certificate') throw new SandboxUsageError('--mode must be pubkey or certificate');
  const retries = parsed['callback-retry-ms'] === undefined ? undefined : numbers(parsed['callback-retry-ms'], '--callback-retry-ms');
  const refundDelay = parsed['refund-delay-ms'] === undefined ? undefined : numbers(parsed['refund-delay-ms'], '--refund-delay-ms');
  if (refundDelay && refundDelay.length !== 1) throw new SandboxUsageError('--refund-delay-ms takes one number');
  return { help: parsed.help === true, port, mode, dir: parsed.dir, retries, refundDelay: refundDelay?.[0], facts: parsed.facts };
}

/** The `operations` of a facts file. */
function readFacts(file: string): FactOperation[] {
  let facts: unknown;
  try {
    facts = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new SandboxUsageError(`--facts ${file} is not a readable JSON file (${(error as { code?: string }).code ?? 'invalid JSON'})`);
  }
  const operations = (facts as { operations?: unknown })?.operations;
  if (!Array.isArray(operations)) throw new SandboxUsageError(`--facts ${file} has no operations list`);
  return operations as FactOperation[];
}

/** Writes the merchant's side of `sandbox` into `dir`; answers the printed JSON's fields. */
function writeMerchantFiles(sandbox: Sandbox, dir: string, url: string) {
  const privateKey = join(dir, 'apiclient_key.pem');
  writeFileSync(privateKey, sandbox.merchant.privateKey, { mode: 0o600 });
  const { id, publicKey, certificate } = sandbox.platform;
  const platformFile = join(dir, certificate ? `wechatpay_${id}.pem` : 'pub_key.pem');
  writeFileSync(platformFile, certificate ?? publicKey);
  const certs = { [id]: platformFile };
  // `secret`, the APIv2 key: the same sandbox answers v2 paths.
  const config = { mchid: sandbox.mchid, serial: sandbox.merchant.serial, privateKey, certs, apiv3Key: sandbox.apiv3Key, secret: sandbox.v2.secret, baseURL: url };
  writeFileSync(join(dir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  return { url, mchid: sandbox.mchid, serial: sandbox.merchant.serial, privateKey, certs, apiv3Key: sandbox.apiv3Key, secret: sandbox.v2.secret, dir };
}

/**
 * Runs `wxpay sandbox` with `argv` (after the word `sandbox`); resolves to the exit code once
 * the server has stopped. Throws {@link SandboxUsageError} for a bad command line.
 */
export async function sandboxCommand(argv: string[], io: SandboxCommandIO): Promise<number> {
  const parsed = options(argv);
  if (parsed.help) {
    io.stdout(SANDBOX_USAGE);
    return 0;
  }
  const operations = parsed.facts === undefined ? undefined : readFacts(parsed.facts);
  const dir = parsed.dir === undefined ? mkdtempSync(join(tmpdir(), 'wxpay-sandbox-')) : resolve(parsed.dir);
  mkdirSync(dir, { recursive: true });
  const sandbox = new Sandbox({
    mode: parsed.mode,
    ...(parsed.retries ? { callbackRetryDelays: parsed.retries } : {}),
    ...(parsed.refundDelay === undefined ? {} : { refundDelay: parsed.refundDelay }),
    ...(operations ? { operations } : {}),
  });
  const server = await sandbox.listen({ port: parsed.port });
  io.stdout(`${JSON.stringify(writeMerchantFiles(sandbox, dir, server.url))}\n`);
  io.stderr(`wxpay sandbox: dashboard at ${server.url}sandbox/ (served to this machine only: loopback callers naming a loopback host)\n`);

  await new Promise<void>((done) => {
    const signals = ['SIGINT', 'SIGTERM'] as const;
    const stop = () => {
      for (const signal of signals) process.off(signal, stop);
      io.stop?.removeEventListener('abort', stop);
      done();
    };
    for (const signal of signals) process.once(signal, stop);
    if (io.stop?.aborted) stop();
    else io.stop?.addEventListener('abort', stop);
  });
  sandbox.close();
  await server.close();
  io.stderr('wxpay sandbox: stopped\n');
  return 0;
}
