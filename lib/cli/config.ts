/**
 * Where the `wxpay` subcommands that call WeChat Pay get their client config: flags, else a
 * `--config FILE` (JSON with `Builder.factory`'s fields, key fields as file paths), else the
 * `WXPAY_*` environment. Flags win over the file, the file over the environment. Key material is
 * read here and never printed: an error names the field and the file, never the text.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { WechatpayConfig } from '../client.js';
import { ArgumentError } from '../errors.js';

/** The config flags, in `node:util` `parseArgs` form: spread them into a subcommand's options. */
export const CONFIG_FLAGS = {
  config: { type: 'string', short: 'c' },
  mchid: { type: 'string', short: 'm' },
  serial: { type: 'string', short: 's' },
  privatekey: { type: 'string', short: 'f' },
  certs: { type: 'string' },
  'base-url': { type: 'string' },
} as const;

/** The config flags' values as `parseArgs` gives them. */
export type ConfigFlags = { [K in keyof typeof CONFIG_FLAGS]?: string | undefined };

/** What the commands get: a client config, plus the keys that are no client field. */
export interface CliConfig {
  /** With the APIv2 key as `secret` when given (`WXPAY_SECRET` or the file: never a flag, which `ps` would show). */
  client: WechatpayConfig;
  apiv3Key?: string;
}

/** A config's fields before keys are read: key fields as a file path or PEM text. */
interface RawConfig {
  mchid?: string;
  serial?: string;
  privateKey?: string;
  certs?: Record<string, string>;
  baseURL?: string;
  backupBaseURL?: string;
  timeout?: number;
  apiv3Key?: string;
  secret?: string;
}

const fail = (message: string): never => {
  throw new ArgumentError('ERR_CONFIG', message);
};

function certsOf(text: string, where: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return fail(`${where} must be JSON {"<key id>": "<file or PEM>"}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed) || Object.values(parsed).some((value) => typeof value !== 'string')) {
    fail(`${where} must be JSON {"<key id>": "<file or PEM>"}`);
  }
  return parsed as Record<string, string>;
}

function fromEnv(env: NodeJS.ProcessEnv): RawConfig {
  return {
    mchid: env.WXPAY_MCHID,
    serial: env.WXPAY_SERIAL,
    privateKey: env.WXPAY_PRIVATE_KEY,
    certs: env.WXPAY_CERTS ? certsOf(env.WXPAY_CERTS, 'WXPAY_CERTS') : undefined,
    baseURL: env.WXPAY_BASE_URL,
    apiv3Key: env.WXPAY_APIV3_KEY,
    secret: env.WXPAY_SECRET,
  };
}

const FILE_FIELDS = ['mchid', 'serial', 'privateKey', 'certs', 'baseURL', 'backupBaseURL', 'timeout', 'apiv3Key', 'secret'] as const;

/** A `--config` file's fields; its relative key paths are taken from the file's own folder. */
function fromFile(file: string): RawConfig & { base: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const code = (error as { code?: string }).code;
    return fail(code ? `cannot read --config ${file} (${code})` : `--config ${file} is not JSON`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) fail(`--config ${file} must hold a JSON object`);
  const fields = parsed as Record<string, unknown>;
  const raw: RawConfig = {};
  for (const name of FILE_FIELDS) if (fields[name] !== undefined) (raw as Record<string, unknown>)[name] = fields[name];
  if (raw.certs !== undefined) raw.certs = certsOf(JSON.stringify(raw.certs), `--config ${file} "certs"`);
  return { ...raw, base: dirname(resolve(file)) };
}

/** A key given as PEM text, or a file holding one (relative to `base`). */
function keyText(value: string, field: string, base: string): string {
  if (value.includes('-----BEGIN ')) return value;
  const path = resolve(base, value.replace(/^file:\/\//, ''));
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    return fail(`${field}: cannot read ${path} (${(error as { code?: string }).code ?? 'error'})`);
  }
}

/** Merges flags over the file over the environment, reads the key files, and checks what is required. */
export function loadConfig(flags: ConfigFlags, env: NodeJS.ProcessEnv = process.env): CliConfig {
  const file = flags.config ? fromFile(flags.config) : undefined;
  const fromFlags: RawConfig = {
    mchid: flags.mchid,
    serial: flags.serial,
    privateKey: flags.privatekey,
    certs: flags.certs ? certsOf(flags.certs, '--certs') : undefined,
    baseURL: flags['base-url'],
  };
  const layers = [fromEnv(env), file ?? {}, fromFlags];
  const pick = <K extends keyof RawConfig>(name: K): RawConfig[K] => layers.reduce<RawConfig[K]>((value, layer) => (layer[name] !== undefined && layer[name] !== '' ? layer[name] : value), undefined);
  // Paths from the file are relative to it; from flags and the environment, to the working directory.
  const baseOf = (name: keyof RawConfig) => (fromFlags[name] === undefined && file?.[name] !== undefined ? file.base : process.cwd());

  const mchid = pick('mchid') ?? fail('no merchant id: give --mchid, "mchid" in --config, or WXPAY_MCHID');
  const serial = pick('serial') ?? fail('no merchant certificate serial: give --serial, "serial" in --config, or WXPAY_SERIAL');
  const privateKey = pick('privateKey') ?? fail('no private key: give --privatekey FILE, "privateKey" in --config, or WXPAY_PRIVATE_KEY');
  const certs = pick('certs') ?? fail('no WeChat Pay key: give --certs JSON, "certs" in --config, or WXPAY_CERTS');
  const baseURL = pick('baseURL');
  if (baseURL !== undefined && !/^https?:\/\/[^/]/.test(baseURL)) fail('the base URL must be an http(s) URL');
  const backupBaseURL = pick('backupBaseURL');
  const timeout = pick('timeout');
  const apiv3Key = pick('apiv3Key');
  const secret = pick('secret');
  const certsBase = baseOf('certs');
  return {
    client: {
      mchid,
      serial,
      privateKey: keyText(privateKey, 'privateKey', baseOf('privateKey')),
      certs: Object.fromEntries(Object.entries(certs).map(([id, value]) => [id, keyText(value, `certs["${id}"]`, certsBase)])),
      ...(baseURL !== undefined ? { baseURL: baseURL.endsWith('/') ? baseURL : `${baseURL}/` } : {}),
      ...(backupBaseURL !== undefined ? { backupBaseURL } : {}),
      ...(timeout !== undefined ? { timeout } : {}),
      ...(secret !== undefined ? { secret } : {}),
    } as WechatpayConfig,
    ...(apiv3Key !== undefined ? { apiv3Key } : {}),
  };
}
