/**
 * The `wxpay` command. `wxpay crt`, as wechatpay-php's `CertificateDownloader`, downloads, decrypts
 * and verifies the platform certificates and writes them as `wechatpay_<serial>.pem`; `wxpay bill`
 * downloads a bill (lib/cli/bill.ts); `wxpay request` sends one signed call (lib/cli/request.ts);
 * `wxpay find` looks an operation up by its name or template (lib/cli/find.ts).
 * `bin/wxpay.mjs` runs {@link main}; tests call it in-process.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { billRequestOf, billSummary, downloadBill } from './cli/bill.js';
import { CONFIG_FLAGS, loadConfig } from './cli/config.js';
import { EXIT, parseCommandLine, UsageError } from './cli/io.js';
import { FIND_USAGE, runFind } from './cli/find.js';
import { runRequest } from './cli/request.js';
import { downloadCertificates } from './certificates.js';
import { Rsa } from './crypto/rsa.js';
import { WechatpayError } from './errors.js';
import { sandboxCommand, SandboxUsageError, SANDBOX_USAGE } from './cli/sandbox.js';

/** What `wxpay` prints for `--help` and after a bad argument. */
export const USAGE = `Usage: wxpay crt -m MCHID -s SERIAL -f KEYFILE -k APIV3KEY -o DIR [--base-url URL]

Downloads the WeChat Pay platform certificates, decrypts them with the APIv3 key, verifies
the download's signature, and writes each as DIR/wechatpay_<serial>.pem.

  -m, --mchid MCHID       merchant id (商户号)
  -s, --serial SERIAL     merchant API certificate serial (商户API证书序列号)
  -f, --privatekey FILE   merchant API private key file (apiclient_key.pem)
  -k, --key APIV3KEY      APIv3 key (32 characters)
  -o, --output DIR        where to write the certificates (created if missing)
      --base-url URL      default https://api.mch.weixin.qq.com/
  -h, --help              this text

Usage: wxpay bill --date YYYY-MM-DD [--type trade|fundflow|subfundflow] [--sub-mchid ID] [--gzip] [-o FILE] [config]

Downloads the day's trade (default) or fund-flow bill, checks its digest and writes it to FILE
(default <type>bill-<date>.csv), atomically. --gzip has it sent gzipped; the file is plain.
--type subfundflow --sub-mchid ID: a sub-merchant's basic-account fund-flow bill, sent encrypted
(decrypted with the merchant key), its parts joined in bill_sequence order.
Config: -c, --config FILE (JSON as for Builder.factory, key fields as file paths), or
-m MCHID -s SERIAL -f KEYFILE --certs '{"<key id>":"<file>"}' [--base-url URL], or the
environment (WXPAY_MCHID, WXPAY_SERIAL, WXPAY_PRIVATE_KEY, WXPAY_CERTS, WXPAY_BASE_URL).
Flags win over the file, the file over the environment.

Usage: wxpay request METHOD PATH [--query k=v …] [--json '{…}' | --xml …] [config]

Sends one signed request and prints the verified answer as JSON (wxpay request --help).

${FIND_USAGE}
Usage: wxpay sandbox [--port N] [--mode pubkey|certificate] [--dir D]   (see wxpay sandbox --help)
`;

/** Where {@link main} writes; defaults to the process's streams. */
export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Whether stderr is a terminal (progress bars); default false. */
  isTTY?: boolean;
  /** The environment config is read from; default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

const processIO: CliIO = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  isTTY: Boolean(process.stderr.isTTY),
};

export { EXIT } from './cli/io.js';

const CRT_OPTIONS = {
  mchid: { type: 'string', short: 'm' },
  serial: { type: 'string', short: 's' },
  privatekey: { type: 'string', short: 'f' },
  key: { type: 'string', short: 'k' },
  output: { type: 'string', short: 'o' },
  'base-url': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const BILL_OPTIONS = {
  ...CONFIG_FLAGS,
  date: { type: 'string' },
  type: { type: 'string' },
  'sub-mchid': { type: 'string' },
  gzip: { type: 'boolean' },
  output: { type: 'string', short: 'o' },
  help: { type: 'boolean', short: 'h' },
} as const;

const parse = parseCommandLine;

/**
 * Runs `wxpay` with `argv` (without `node` and the script) and resolves to the exit code.
 * Never throws; never prints the APIv3 key or the private key.
 */
export async function main(argv: string[], io: CliIO = processIO, stop?: AbortSignal): Promise<number> {
  if (argv[0] === 'sandbox') {
    return sandboxCommand(argv.slice(1), { ...io, ...(stop ? { stop } : {}) }).catch((error: unknown) => {
      if (error instanceof SandboxUsageError) {
        io.stderr(`wxpay sandbox: ${error.message}\n\n${SANDBOX_USAGE}`);
        return EXIT.USAGE;
      }
      io.stderr(`wxpay sandbox: ${(error as { code?: string }).code ?? 'ERR_UNEXPECTED'}: ${error instanceof Error ? error.message : String(error)}\n`);
      return EXIT.FAILURE;
    });
  }
  try {
    if (argv[0] === 'bill') return await bill(argv.slice(1), io);
    if (argv[0] === 'request') return await runRequest(argv.slice(1), io);
    if (argv[0] === 'find') return await runFind(argv.slice(1), io);
    const { values, positionals } = parse(argv, CRT_OPTIONS);
    if (values.help) {
      io.stdout(USAGE);
      return EXIT.OK;
    }
    if (positionals.length !== 1 || positionals[0] !== 'crt') throw new UsageError(positionals.length ? 'the commands are crt, bill, request, find and sandbox' : 'no command given');
    const missing = (['mchid', 'serial', 'privatekey', 'key', 'output'] as const).filter((name) => !values[name]);
    if (missing.length) throw new UsageError(`missing ${missing.map((name) => `--${name}`).join(', ')}`);
    if (Buffer.byteLength(values.key!) !== 32) throw new UsageError('the APIv3 key must be 32 characters');
    const baseURL = values['base-url'];
    if (baseURL !== undefined && !/^https?:\/\/[^/]/.test(baseURL)) throw new UsageError('--base-url must be an http(s) URL');

    let keyFile: Buffer;
    try {
      keyFile = readFileSync(values.privatekey!);
    } catch (error) {
      throw new WechatpayError('ERR_CONFIG', `cannot read ${values.privatekey} (${(error as { code?: string }).code ?? 'error'})`);
    }
    const certificates = await downloadCertificates({
      mchid: values.mchid!,
      serial: values.serial!,
      privateKey: Rsa.from(keyFile, Rsa.KEY_TYPE_PRIVATE),
      apiv3Key: values.key!,
      ...(baseURL ? { baseURL: baseURL.endsWith('/') ? baseURL : `${baseURL}/` } : {}),
    });
    const dir = resolve(values.output!);
    mkdirSync(dir, { recursive: true });
    for (const cert of certificates.values()) {
      const file = join(dir, `wechatpay_${cert.serial}.pem`);
      writeFileSync(file, cert.certificate);
      io.stdout(`${file}\n  serial ${cert.serial}, effective ${cert.effectiveTime.toISOString()}, expires ${cert.expireTime.toISOString()}\n`);
    }
    if (certificates.size === 0) io.stdout('WeChat Pay listed no certificates.\n');
    return EXIT.OK;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`wxpay: ${error.message}\n\n${USAGE}`);
      return EXIT.USAGE;
    }
    const code = error instanceof WechatpayError ? error.code : 'ERR_UNEXPECTED';
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`wxpay: ${code}: ${message}\n`);
    return EXIT.FAILURE;
  }
}

/** `wxpay bill …`: a bad date or type is a usage error; anything else fails as the client's errors do. */
async function bill(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parse(argv, BILL_OPTIONS);
  if (values.help) {
    io.stdout(USAGE);
    return EXIT.OK;
  }
  if (positionals.length) throw new UsageError(`unexpected ${JSON.stringify(positionals[0])}`);
  let request;
  try {
    request = billRequestOf(values);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const config = loadConfig(values, io.env ?? process.env);
  const written = await downloadBill(request, config, { write: (text) => io.stderr(text), isTTY: io.isTTY ?? false });
  io.stdout(billSummary(written));
  return EXIT.OK;
}
