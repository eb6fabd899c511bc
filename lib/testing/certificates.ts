/**
 * The sandbox's `GET /v3/certificates`: in certificate mode, its platform certificate encrypted
 * with its APIv3 key, as WeChat Pay serves it; in public-key mode, `404 RESOURCE_NOT_EXISTS`,
 * which is what a merchant without platform certificates gets.
 */
import { X509Certificate } from 'node:crypto';
import { AesGcm } from '../crypto/aes-gcm.js';
import { Formatter } from '../crypto/formatter.js';
import { Rsa } from '../crypto/rsa.js';
import type { Answer } from './endpoints.js';
import { beijingTime } from './beijing-time.js';
import type { Route } from './gateway.js';

const NO_CERTIFICATES: Answer = {
  status: 404,
  body: { code: 'RESOURCE_NOT_EXISTS', message: '无可用的平台证书，请在商户平台-API安全申请使用微信支付公钥' },
};

/** The route; `apiv3Key` is read on each request, so it stays in the sandbox's private field. */
export function certificatesRoute(certificate: string | undefined, apiv3Key: () => string): Route {
  return (method, path) => {
    if (method !== 'GET' || path !== 'v3/certificates') return undefined;
    if (!certificate) return NO_CERTIFICATES;
    const x509 = new X509Certificate(certificate);
    const nonce = Formatter.nonce(12);
    return {
      status: 200,
      body: {
        data: [{
          serial_no: Rsa.serial(x509),
          effective_time: beijingTime(new Date(x509.validFrom)),
          expire_time: beijingTime(new Date(x509.validTo)),
          encrypt_certificate: {
            algorithm: 'AEAD_AES_256_GCM',
            nonce,
            associated_data: 'certificate',
            ciphertext: AesGcm.encrypt(certificate, apiv3Key(), nonce, 'certificate'),
          },
        }],
      },
    };
  };
}
