/**
 * The sandbox's APIv2 media upload (`secapi/mch/uploadmedia`): a multipart form whose text fields
 * carry `mch_id`, `media_hash`, `sign_type` and the `sign` over them, and whose `media` part is the
 * file `media_hash` (MD5, lower-case hex) stands for.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { ReadForm } from '../upload.js';
import type { OperationContext, Outcome } from './operations.js';

/** The path of the upload operation, below the base URL. */
export const MEDIA_UPLOAD = 'secapi/mch/uploadmedia';

/** The upload, once `mch_id` and `sign` have passed: a certificate, one non-empty `media` part matching `media_hash`. */
export function uploadMedia(form: ReadForm, { clientCertificate }: OperationContext): Outcome {
  if (!clientCertificate) return { fail: { return_code: 'FAIL', return_msg: 'CERT_REQUIRED' } };
  const [file, ...more] = form.files;
  if (!file || more.length > 0 || file.field !== 'media') return { error: 'PARAM_ERROR', description: 'one file part, named media, expected' };
  if (file.bytes.length === 0) return { error: 'PARAM_ERROR', description: 'media is empty' };
  if (form.fields.media_hash !== createHash('md5').update(file.bytes).digest('hex')) return { error: 'PARAM_ERROR', description: 'media_hash is not the MD5 of media' };
  return { fields: { media_id: randomBytes(24).toString('base64url') } };
}
