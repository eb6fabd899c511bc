/**
 * APIv2 speaks flat XML (`<xml><k>v</k>…</xml>`). Built and parsed with fast-xml-parser; before
 * parsing, anything that could make the parser fetch or expand (a DOCTYPE, an entity declaration,
 * a reference to an entity XML does not predefine) is refused, so no XXE or entity bomb reaches it.
 */
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import { ArgumentError, VerificationError } from '../errors.js';

/** The fields of an APIv2 message: the children of its root element. */
export type XmlFields = Record<string, unknown>;

// XML 1.0's five predefined entities; numeric references are decoded too (htmlEntities set to an object).
const PREDEFINED = { amp: '&', apos: "'", gt: '>', lt: '<', quot: '"' };
const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: false,
  processEntities: true,
  // An object here is the table of named entities (fast-xml-parser 5 accepts it; its types say boolean).
  htmlEntities: PREDEFINED as unknown as boolean,
  ignoreDeclaration: true,
  ignorePiTags: true,
});
const builder = new XMLBuilder({ cdataPropName: '#cdata', format: false, suppressEmptyNode: false, processEntities: true });

const DECLARATION = /<!\s*(DOCTYPE|ENTITY)/i;
// An entity reference other than the predefined five and numeric character references.
const FOREIGN_ENTITY = /&(?!(?:amp|apos|gt|lt|quot|#\d+|#x[\da-f]+);)/i;
// XML 1.0 forbids these characters in content; a value holding one could not be sent as written.
const FORBIDDEN_CHARACTER = /[\0-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const NAME = /^[A-Za-z_][\w.-]*$/;
// Characters that would otherwise be escaped: such values go in CDATA, as WeChat Pay's own examples do.
const NEEDS_CDATA = /[<>&'"]/;

/**
 * Parses an APIv2 XML document into its root's fields (`{ return_code: 'SUCCESS', … }`), values as
 * strings (nested elements as objects, repeated ones as arrays).
 *
 * @throws VerificationError `ERR_RESPONSE_XML` for a DOCTYPE, an entity, or anything not well-formed XML with one root.
 */
export function parseXml(text: string, what = 'the answer'): XmlFields {
  const fail = (reason: string): never => {
    throw new VerificationError('ERR_RESPONSE_XML', `${what} is refused: ${reason}`);
  };
  if (DECLARATION.test(text)) fail('it carries a DOCTYPE or ENTITY declaration');
  if (FOREIGN_ENTITY.test(text)) fail('it refers to an entity, or holds a bare "&"');
  if (XMLValidator.validate(text) !== true) fail('it is not well-formed XML');
  let document: Record<string, unknown>;
  try {
    document = parser.parse(text) as Record<string, unknown>;
  } catch {
    return fail('it is not well-formed XML');
  }
  const roots = Object.keys(document);
  const root = roots.length === 1 ? document[roots[0]!] : undefined;
  if (root === '') return Object.create(null) as XmlFields;
  if (root === null || typeof root !== 'object' || Array.isArray(root)) fail('it has no single root element holding fields');
  // A null-prototype copy: a field named `__proto__` or `constructor` stays a plain field.
  return Object.assign(Object.create(null) as XmlFields, root);
}

/**
 * Builds `<xml>…</xml>` from flat fields: strings and numbers only, values holding `<>&'"` in CDATA.
 *
 * @throws ArgumentError `ERR_OPTIONS` for a field name that is not an XML name, a value that is not a
 * string or finite number, or a character XML cannot carry.
 */
export function buildXml(fields: Readonly<Record<string, string | number>>): string {
  const children: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fields)) {
    if (!NAME.test(name)) throw new ArgumentError('ERR_OPTIONS', `xml field name ${JSON.stringify(name)} is not an XML element name`);
    const text = String(value);
    if (FORBIDDEN_CHARACTER.test(text)) throw new ArgumentError('ERR_OPTIONS', `xml field "${name}" holds a character XML cannot carry (a control character or a lone surrogate)`);
    children[name] = NEEDS_CDATA.test(text) ? { '#cdata': text } : text;
  }
  return builder.build({ xml: children }) as string;
}
