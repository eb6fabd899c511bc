/**
 * A media upload as WeChat Pay reads it: a multipart body whose `meta` part (JSON, usually with
 * `filename` and `sha256`) is what the merchant signed, and whose file part must hash to that
 * `sha256`. Which of the two an operation requires is its facts' matter (facts/route.ts); here, the
 * ones present must describe the file. Parsed by the Fetch API's own multipart reader (undici), never by hand.
 */
import { createHash } from 'node:crypto';

/** What the gateway learns from a multipart body. */
export interface ReceivedUpload {
  /** The `meta` part's bytes, as sent: the signature covers these, not the whole body. */
  meta: Buffer;
  /** The form field the file came in (`file`, or an endpoint's own such as `submission_file`). */
  field?: string;
  /** The text fields besides `meta` (an endpoint's own, such as `item_id`). */
  fields?: Record<string, string>;
  /** Why WeChat Pay would refuse it (`400 PARAM_ERROR`), when it would. */
  problem?: string;
}

const isMultipart = (contentType: string | null) => contentType !== null && /^multipart\/form-data\s*;/i.test(contentType);

/** The multipart form in `body`: `undefined` when the request is not multipart, `null` when it does not parse. */
export async function formOf(contentType: string | null, body: Buffer): Promise<FormData | null | undefined> {
  if (!isMultipart(contentType)) return undefined;
  try {
    return await new Response(new Uint8Array(body), { headers: { 'Content-Type': contentType! } }).formData();
  } catch {
    return null;
  }
}

/** The upload in `body`, or `undefined` when the request is not multipart. */
export async function readUpload(contentType: string | null, body: Buffer): Promise<ReceivedUpload | undefined> {
  const form = await formOf(contentType, body);
  if (form === undefined) return undefined;
  if (form === null) return { meta: Buffer.alloc(0), problem: 'the multipart body does not parse' };
  // A meta part sent with a filename arrives as a File, without one as text: the bytes count either way.
  const metaPart = form.get('meta');
  if (metaPart === null) return { meta: Buffer.alloc(0), problem: 'the multipart body has no meta part' };
  const meta = typeof metaPart === 'string' ? Buffer.from(metaPart, 'utf8') : Buffer.from(await metaPart.arrayBuffer());
  let fields: { filename?: unknown; sha256?: unknown };
  try {
    fields = JSON.parse(meta.toString('utf8')) as typeof fields;
  } catch {
    return { meta, problem: 'meta is not JSON' };
  }
  // Which field the file must be in is the operation's fact: the facts check compares `field` with it.
  const files = [...form.entries()].filter((entry): entry is [string, File] => entry[0] !== 'meta' && typeof entry[1] !== 'string');
  if (files.length !== 1) return { meta, problem: `the multipart body holds ${files.length} file parts besides meta, not one` };
  const [[field, file]] = files as [[string, File]];
  const bytes = Buffer.from(await file.arrayBuffer());
  if (bytes.length === 0) return { meta, problem: 'the file is empty' };
  if (fields.filename !== undefined && file.name !== fields.filename) return { meta, problem: `the file part's filename ${JSON.stringify(file.name)} is not meta.filename` };
  const digest = createHash('sha256').update(bytes).digest('hex');
  if (fields.sha256 !== undefined && (typeof fields.sha256 !== 'string' || fields.sha256.toLowerCase() !== digest)) return { meta, problem: 'meta.sha256 is not the SHA-256 of the file' };
  const text = Object.fromEntries([...form.entries()].filter((entry): entry is [string, string] => entry[0] !== 'meta' && typeof entry[1] === 'string'));
  return { meta, field, fields: text };
}
