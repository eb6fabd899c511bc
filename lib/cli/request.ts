/**
 * `wxpay request METHOD PATH`: one signed call, its verified answer printed as JSON. The path is
 * taken as written (as `wxpay.chain(PATH)`), so the request-target is exactly what was typed.
 */
import { inspect } from 'node:util';
import type { CliIO } from '../cli.js';
import { Builder } from '../client.js';
import { VERBS, type Verb } from '../chain.js';
import { WechatpayError } from '../errors.js';
import { CONFIG_FLAGS, loadConfig } from './config.js';
import { EXIT, parseCommandLine, UsageError } from './io.js';
import type { RequestOptions } from '../decorator.js';

/** What `wxpay request --help` prints. */
export const REQUEST_USAGE = `Usage: wxpay request METHOD PATH [--query k=v …] [--json '{…}' | --xml …] [options]

Sends one signed request and prints the verified answer's body as JSON.

  METHOD                   GET, POST, PUT, PATCH or DELETE
  PATH                     e.g. v3/certificates, taken as written
  -q, --query k=v          a query parameter; repeatable, kept in order
      --json '{…}'         a JSON body, sent byte for byte as given
      --xml '{…}'          an APIv2 body (object as JSON), for v2/ paths
      --timeout MS         default 10000
  -v, --verbose            on failure, the full error instead of one line
  -h, --help               this text

Merchant configuration (flags win over --config, --config over the environment):
  -m, --mchid MCHID        merchant id (商户号)                      WXPAY_MCHID
  -s, --serial SERIAL      merchant API certificate serial           WXPAY_SERIAL
  -f, --privatekey FILE    merchant API private key (file or PEM)    WXPAY_PRIVATE_KEY
      --certs JSON         {"<key id>":"<file or PEM>"}              WXPAY_CERTS
      --base-url URL       default https://api.mch.weixin.qq.com/    WXPAY_BASE_URL
  -c, --config FILE        JSON with the fields of Builder.factory (key fields as file paths)
  APIv2 key (v2/ paths): "secret" in --config, or WXPAY_SECRET (never a flag: ps would show it)
`;

const OPTIONS = {
  ...CONFIG_FLAGS,
  query: { type: 'string', short: 'q', multiple: true },
  json: { type: 'string' },
  xml: { type: 'string' },
  timeout: { type: 'string' },
  verbose: { type: 'boolean', short: 'v' },
  help: { type: 'boolean', short: 'h' },
} as const;
const parse = (argv: string[]) => parseCommandLine(argv, OPTIONS);

function optionsOf(values: ReturnType<typeof parse>['values']): RequestOptions {
  const options: RequestOptions = {};
  if (values.query) {
    const query: Record<string, string[]> = {};
    for (const pair of values.query) {
      const at = pair.indexOf('=');
      if (at <= 0) throw new UsageError('--query takes k=v');
      (query[pair.slice(0, at)] ??= []).push(pair.slice(at + 1));
    }
    options.query = query;
  }
  if (values.json !== undefined && values.xml !== undefined) throw new UsageError('give --json or --xml, not both');
  if (values.json !== undefined) {
    try {
      JSON.parse(values.json);
    } catch {
      throw new UsageError('--json is not JSON');
    }
    // The text as typed is what is signed and sent.
    options.body = values.json;
    options.headers = { 'Content-Type': 'application/json' };
  }
  if (values.xml !== undefined) {
    let xml: unknown = values.xml;
    try {
      xml = JSON.parse(values.xml);
    } catch {
      // Not JSON: handed over as the XML text itself.
    }
    options.xml = xml;
  }
  if (values.timeout !== undefined) {
    const timeout = Number(values.timeout);
    if (!/^\d+$/.test(values.timeout)) throw new UsageError('--timeout takes a number of ms');
    options.timeout = timeout;
  }
  return options;
}

/**
 * Runs `wxpay request` with `argv` (after the word `request`) and resolves to the exit code.
 * Never throws; never prints a key.
 */
export async function runRequest(argv: string[], io: CliIO): Promise<number> {
  let verbose = false;
  try {
    const { values, positionals } = parse(argv);
    verbose = values.verbose === true;
    if (values.help) {
      io.stdout(REQUEST_USAGE);
      return EXIT.OK;
    }
    if (positionals.length !== 2) throw new UsageError('give METHOD and PATH');
    const verb = positionals[0]!.toLowerCase() as Verb;
    if (!VERBS.includes(verb)) throw new UsageError(`METHOD must be one of ${VERBS.join(', ').toUpperCase()}`);
    const options = optionsOf(values);
    const wxpay = Builder.factory(loadConfig(values, io.env ?? process.env).client);
    const { data } = await wxpay.chain(positionals[1]!)[verb](options);
    io.stdout(`${JSON.stringify(data, null, 2)}\n`);
    return EXIT.OK;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`wxpay request: ${error.message}\n\n${REQUEST_USAGE}`);
      return EXIT.USAGE;
    }
    const code = WechatpayError.is(error) ? error.code : 'ERR_UNEXPECTED';
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(verbose ? `wxpay request: ${inspect(error, { depth: 4 })}\n` : `wxpay: ${code}: ${message.split('\n')[0]}\n`);
    return EXIT.FAILURE;
  }
}
