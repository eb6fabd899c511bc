import { createCipheriv, randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { ArgumentError, WechatpayError } from '../../lib/errors.js';
import { Readable } from 'node:stream';
import { AesGcm, decipherStream } from '../../lib/crypto/aes-gcm.js';

const KEY = '0123456789abcdefABCDEF0123456789'; // 32 ASCII characters, like an APIv3 key
const IV = '4f5a2c8d1e3b';
const AAD = 'certificate';

/** An independent AEAD_AES_256_GCM, to check AesGcm against. */
function reference(plaintext: string, key: string, iv: string, aad: string): string {
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(key), Buffer.from(iv));
  cipher.setAAD(Buffer.from(aad));
  return Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]).toString('base64');
}

function expectDecryptError(fn: () => unknown): void {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).to.be.instanceOf(WechatpayError);
  expect((caught as WechatpayError).code).to.equal('ERR_DECRYPT');
  expect((caught as WechatpayError).message).not.to.include(KEY);
}

describe('AesGcm', () => {
  const plaintext = '{"mchid":"1900000109","out_trade_no":"订单-001","amount":{"total":100}}';

  it('round-trips UTF-8 text, with and without associated data', () => {
    expect(AesGcm.decrypt(AesGcm.encrypt(plaintext, KEY, IV, AAD), KEY, IV, AAD)).to.equal(plaintext);
    expect(AesGcm.decrypt(AesGcm.encrypt(plaintext, KEY, IV), KEY, IV)).to.equal(plaintext);
    expect(AesGcm.decrypt(AesGcm.encrypt('', KEY, IV), KEY, IV)).to.equal('');
    const key = randomBytes(32);
    expect(AesGcm.decrypt(AesGcm.encrypt(plaintext, key, IV, AAD), key, IV, AAD)).to.equal(plaintext);
  });

  it('gives base64(ciphertext ‖ 16-byte tag), the known answer of node:crypto', () => {
    const ciphertext = AesGcm.encrypt(plaintext, KEY, IV, AAD);
    expect(ciphertext).to.equal(reference(plaintext, KEY, IV, AAD));
    expect(Buffer.from(ciphertext, 'base64')).to.have.length(Buffer.byteLength(plaintext) + 16);
    expect(AesGcm.decrypt(reference('hello', KEY, IV, ''), KEY, IV)).to.equal('hello');
  });

  it('matches a fixed known answer', () => {
    // Computed once with node:crypto (createCipheriv) for this key, nonce and aad; it must never drift.
    const known = 'h/bUgJwtge27S9lbx5gFQWltMfuyI5TDog==';
    expect(reference('WeChatPay', KEY, IV, AAD)).to.equal(known);
    expect(AesGcm.encrypt('WeChatPay', KEY, IV, AAD)).to.equal(known);
    expect(AesGcm.decrypt(known, Buffer.from(KEY), IV, AAD)).to.equal('WeChatPay');
  });

  it('refuses a key that is not 32 bytes, without echoing it', () => {
    for (const key of [KEY.slice(0, 31), `${KEY}x`, '', randomBytes(16), '好'.repeat(11)]) {
      for (const call of [() => AesGcm.decrypt('AAAAAAAAAAAAAAAAAAAAAA==', key, IV), () => AesGcm.encrypt('x', key, IV)]) {
        let caught: unknown;
        try {
          call();
        } catch (error) {
          caught = error;
        }
        expect(caught).to.be.instanceOf(ArgumentError);
        expect((caught as ArgumentError).code).to.equal('ERR_ARGUMENT');
        if (typeof key === 'string' && key.length > 2) expect((caught as Error).message).not.to.include(key);
      }
    }
  });

  it('throws ERR_DECRYPT on a tampered ciphertext, a cut or wrong tag, the wrong aad, nonce or key', () => {
    const ciphertext = AesGcm.encrypt(plaintext, KEY, IV, AAD);
    const bytes = Buffer.from(ciphertext, 'base64');
    const flipped = Buffer.from(bytes);
    flipped[3]! ^= 0x01;
    expectDecryptError(() => AesGcm.decrypt(flipped.toString('base64'), KEY, IV, AAD));
    const wrongTag = Buffer.from(bytes);
    wrongTag[wrongTag.length - 1]! ^= 0x80;
    expectDecryptError(() => AesGcm.decrypt(wrongTag.toString('base64'), KEY, IV, AAD));
    expectDecryptError(() => AesGcm.decrypt(bytes.subarray(0, bytes.length - 4).toString('base64'), KEY, IV, AAD));
    expectDecryptError(() => AesGcm.decrypt(bytes.subarray(0, bytes.length - 16).toString('base64'), KEY, IV, AAD));
    expectDecryptError(() => AesGcm.decrypt(bytes.subarray(0, 10).toString('base64'), KEY, IV, AAD));
    expectDecryptError(() => AesGcm.decrypt('', KEY, IV, AAD));
    expectDecryptError(() => AesGcm.decrypt('not*base64', KEY, IV, AAD));
    expectDecryptError(() => AesGcm.decrypt(ciphertext, KEY, IV, 'transaction'));
    expectDecryptError(() => AesGcm.decrypt(ciphertext, KEY, IV));
    expectDecryptError(() => AesGcm.decrypt(ciphertext, KEY, 'aaaaaaaaaaaa', AAD));
    expectDecryptError(() => AesGcm.decrypt(ciphertext, `${KEY.slice(0, 31)}!`, IV, AAD));
  });
});

describe('decipherStream (encrypted bill files)', () => {
  const key = randomBytes(32);
  const nonce = 'a8607ef79034c49c';
  const sealed = (plain: Buffer) => {
    const cipher = createCipheriv('aes-256-gcm', key, Buffer.from(nonce));
    return Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
  };
  const run = async (chunks: Buffer[], k = key, iv = nonce) => {
    const out: Buffer[] = [];
    for await (const chunk of Readable.from(chunks).pipe(decipherStream(k, iv))) out.push(chunk as Buffer);
    return Buffer.concat(out);
  };

  it('decrypts across any chunking, the tag split between chunks included', async () => {
    const plain = randomBytes(300_001);
    const bytes = sealed(plain);
    for (const sizes of [[bytes.length], [1], [7, 16, 3], [bytes.length - 10, 10]]) {
      const chunks: Buffer[] = [];
      for (let at = 0, i = 0; at < bytes.length; i += 1) {
        const size = sizes[Math.min(i, sizes.length - 1)]!;
        chunks.push(bytes.subarray(at, at + size));
        at += size;
      }
      expect((await run(chunks)).equals(plain), `chunks of ${sizes.join(',')}`).to.equal(true);
    }
  });

  it('ends with ERR_DECRYPT for a flipped byte, a cut tag, another key or nonce', async () => {
    const bytes = sealed(Buffer.from('记账时间,业务名称\r\n`2026-11-28,退款\r\n'));
    const flipped = Buffer.from(bytes);
    flipped[3]! ^= 1;
    for (const attempt of [run([flipped]), run([bytes.subarray(0, -1)]), run([bytes.subarray(0, 10)]), run([bytes], randomBytes(32)), run([bytes], key, 'ffffffffffffffff')]) {
      const error = await attempt.then(() => undefined, (e: unknown) => e);
      expect(error).to.have.property('code', 'ERR_DECRYPT');
    }
  });
});
