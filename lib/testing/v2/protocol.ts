/**
 * The APIv2 wire protocol, from WeChat Pay's documentation, for the sandbox's side: flat XML with
 * CDATA values, and the `sign` (sorted non-empty fields but `sign`, `k=v&…`, `&key=` the APIv2 key,
 * MD5 or HMAC-SHA256, upper-case hex). Kept apart from the client's code on purpose, so that each
 * checks the other.
 */
import { createCipheriv, createHash, createHmac } from 'node:crypto';
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';

/** An APIv2 message's fields. */
export type Fields = Record<string, string>;

const parser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, trimValues: false, processEntities: false, ignoreDeclaration: true });
const builder = new XMLBuilder({ cdataPropName: '#cdata', format: false, suppressEmptyNode: false });

/** The fields of a request body, or `undefined` when it is not plain flat XML (a DOCTYPE is never read). */
export function readXml(text: string): Fields | undefined {
  if (/<!DOCTYPE|<!ENTITY/i.test(text) || XMLValidator.validate(text) !== true) return undefined;
  const document = parser.parse(text) as { xml?: unknown };
  const root = document.xml;
  if (root === '') return {};
  if (root === null || typeof root !== 'object' || Array.isArray(root)) return undefined;
  const fields: Fields = {};
  for (const [name, value] of Object.entries(root)) {
    if (typeof value !== 'string') return undefined;
    fields[name] = value;
  }
  return fields;
}

/** `<xml>` with every value in CDATA, as WeChat Pay writes its answers. */
export function writeXml(fields: Readonly<Record<string, string | number>>, root = 'xml'): string {
  const children = Object.fromEntries(Object.entries(fields).map(([name, value]) => [name, typeof value === 'number' ? value : { '#cdata': value }]));
  return builder.build({ [root]: children }) as string;
}

/** The two sign types. */
export type SignType = 'MD5' | 'HMAC-SHA256';

/** The sign of `fields` with the APIv2 key `key`. */
export function sign(fields: Readonly<Record<string, string | number>>, type: SignType, key: string): string {
  const text = Object.keys(fields)
    .filter((name) => name !== 'sign' && fields[name] !== '' && fields[name] !== undefined)
    .sort()
    .map((name) => `${name}=${fields[name]}`)
    .join('&');
  const keyed = `${text}&key=${key}`;
  const digest = type === 'MD5' ? createHash('md5').update(keyed, 'utf8') : createHmac('sha256', key).update(keyed, 'utf8');
  return digest.digest('hex').toUpperCase();
}

/** A refund callback's `req_info`: `<root>` XML, AES-256-ECB under the lower-case hex MD5 of the APIv2 key, base64. */
export function reqInfo(fields: Readonly<Record<string, string | number>>, key: string): string {
  const cipher = createCipheriv('aes-256-ecb', Buffer.from(createHash('md5').update(key).digest('hex'), 'utf8'), null);
  return Buffer.concat([cipher.update(writeXml(fields, 'root'), 'utf8'), cipher.final()]).toString('base64');
}

