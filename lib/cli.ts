/**
 * The `wxpay` command. One subcommand for now, as wechatpay-php's `CertificateDownloader`:
 * `wxpay crt` downloads, decrypts and verifies the platform certificates and writes them as
 * `wechatpay_<serial>.pem`. `bin/wxpay.mjs` runs {@link main}; tests call it in-process.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { downloadCertificates } from './certificates.js';
import { Rsa } from './crypto/rsa.js';
import { WechatpayError } from './errors.js';

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
`;

/** Where {@link main} writes; defaults to the process's streams. */
export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
}

const processIO: CliIO = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/** Exit codes: success, a failure while running, a bad command line. */
export const EXIT = { OK: 0, FAILURE: 1, USAGE: 2 } as const;

class UsageError extends Error {}

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        mchid: { type: 'string', short: 'm' },
        serial: { type: 'string', short: 's' },
        privatekey: { type: 'string', short: 'f' },
        key: { type: 'string', short: 'k' },
        output: { type: 'string', short: 'o' },
        'base-url': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    // Only an unknown option is named: any other value might be the APIv3 key misplaced.
    const code = (error as { code?: unknown }).code;
    throw new UsageError(code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? (error as Error).message.split('.')[0]! : 'bad arguments');
  }
}

/**
 * Runs `wxpay` with `argv` (without `node` and the script) and resolves to the exit code.
 * Never throws; never prints the APIv3 key or the private key.
 */
export async function main(argv: string[], io: CliIO = processIO): Promise<number> {
  try {
    const { values, positionals } = parse(argv);
    if (values.help) {
      io.stdout(USAGE);
      return EXIT.OK;
    }
    if (positionals.length !== 1 || positionals[0] !== 'crt') throw new UsageError(positionals.length ? 'the only command is crt' : 'no command given');
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
