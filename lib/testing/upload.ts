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

/** A multipart form as read off the wire: its text fields, and its file parts with their bytes. */
export interface ReadForm {
  fields: Record<string, string>;
  files: { field: string; name: string; bytes: Buffer }[];
}

/** The multipart form in `body`: `undefined` when the request is not multipart, `null` when it does not parse. */
export async function readForm(contentType: string | null, body: Buffer): Promise<ReadForm | null | undefined> {
  if (!isMultipart(contentType)) return undefined;
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(body), { headers: { 'Content-Type': contentType! } }).formData();
  } catch {
    return null;
  }
  const read: ReadForm = { fields: {}, files: [] };
  for (const [field, value] of form.entries()) {
    if (typeof value === 'string') read.fields[field] = value;
    else read.files.push({ field, name: value.name, bytes: Buffer.from(await value.arrayBuffer()) });
  }
  return read;
}

/** The upload in `body`, or `undefined` when the request is not multipart. */
export async function readUpload(contentType: string | null, body: Buffer): Promise<ReceivedUpload | undefined> {
  const form = await readForm(contentType, body);
  if (form === undefined) return undefined;
  if (form === null) return { meta: Buffer.alloc(0), problem: 'the multipart body does not parse' };
  // A meta part sent with a filename arrives as a file part, without one as text: the bytes count either way.
  const { meta: metaText, ...text } = form.fields;
  const meta = form.files.find((file) => file.field === 'meta')?.bytes ?? (metaText === undefined ? undefined : Buffer.from(metaText, 'utf8'));
  if (meta === undefined) return { meta: Buffer.alloc(0), problem: 'the multipart body has no meta part' };
  let described: { filename?: unknown; sha256?: unknown };
  try {
    described = JSON.parse(meta.toString('utf8')) as typeof described;
  } catch {
    return { meta, problem: 'meta is not JSON' };
  }
  // Which field the file must be in is the operation's fact: the facts check compares `field` with it.
  const files = form.files.filter((file) => file.field !== 'meta');
  if (files.length !== 1) return { meta, problem: `the multipart body holds ${files.length} file parts besides meta, not one` };
  const [{ field, name, bytes }] = files as [ReadForm['files'][number]];
  if (bytes.length === 0) return { meta, problem: 'the file is empty' };
  if (described.filename !== undefined && name !== described.filename) return { meta, problem: `the file part's filename ${JSON.stringify(name)} is not meta.filename` };
  const digest = createHash('sha256').update(bytes).digest('hex');
  if (described.sha256 !== undefined && (typeof described.sha256 !== 'string' || described.sha256.toLowerCase() !== digest)) return { meta, problem: 'meta.sha256 is not the SHA-256 of the file' };
  return { meta, field, fields: text };
}
