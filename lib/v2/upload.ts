/**
 * APIv2 media uploads (`v2/secapi/mch/uploadmedia`): a form of text fields and the file. The `sign`
 * covers the text fields (`mch_id`, `media_hash`, `sign_type`, …) and not the file, which
 * `media_hash` (its MD5, lower-case hex) stands for.
 */
import { createHash } from 'node:crypto';
import FormData from 'form-data';
import type { HashSignType } from '../crypto/hash.js';
import { appendFile, fileOf, type Upload } from '../files/upload.js';
import { signOf } from './sign.js';

/**
 * The body builder of one APIv2 upload: the file is read and hashed once, on the first call
 * (`ERR_UPLOAD` before anything is sent for an empty or oversized file); each call builds a fresh
 * form over the same bytes, so a retry sends it again.
 */
export function mediaFormOf(upload: Upload, field: string, fields: Readonly<Record<string, string | number>>, signType: HashSignType, secret: string): () => Promise<FormData> {
  const file = fileOf(upload);
  let signed: Record<string, string | number> | undefined;
  return async () => {
    const bytes = await file();
    if (signed === undefined) {
      const withHash = { ...fields, media_hash: createHash('md5').update(bytes).digest('hex') };
      signed = { ...withHash, sign: signOf(signType, withHash, secret) };
    }
    const form = new FormData();
    for (const [name, value] of Object.entries(signed)) form.append(name, String(value));
    appendFile(form, field, upload, bytes);
    return form;
  };
}
