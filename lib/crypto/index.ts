// The crypto helpers, named and ordered as in wechatpay-php.
export { Rsa } from './rsa.js';
export { Sealed } from './sealed.js';
export type { RsaKeyLike, RsaKeyType } from './rsa.js';
export { AesGcm } from './aes-gcm.js';
export { Formatter } from './formatter.js';
export { Hash } from './hash.js';
export type { HashSignType } from './hash.js';
