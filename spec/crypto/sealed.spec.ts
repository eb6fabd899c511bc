import { expect } from 'chai';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { ArgumentError, Rsa, Sealed } from '../../lib/index.js';
import { isSealed } from '../../lib/crypto/sealed.js';
import { sharedKeys } from '../support/gateway.js';

describe('Sealed: the one checked door for a ciphertext made elsewhere', () => {
  const publicKey = createPublicKey(Rsa.from(sharedKeys().platform, Rsa.KEY_TYPE_PRIVATE));
  const refused = (text: unknown, bits?: number) => {
    try {
      Sealed.from(text as string, bits);
    } catch (error) {
      return error as ArgumentError;
    }
    return expect.fail('accepted');
  };

  it('lets an RSA-2048 OAEP ciphertext in (344 base64 characters), unchanged', () => {
    const ciphertext = Rsa.encrypt('张三', publicKey);
    expect(ciphertext).to.have.length(344);
    expect(Sealed.from(String(ciphertext))).to.equal(ciphertext);
  });

  it('refuses clear text, base64 of another size, junk and non-strings with ERR_CIPHERTEXT, never quoting the value', () => {
    for (const [value, says] of [
      ['张三', /text of 2 characters that is not base64/],
      ['13800138000', /text of 11 characters that is not base64/],
      [Buffer.from('secret-name').toString('base64'), /base64 of 11 bytes, where an RSA-2048 ciphertext has 256/],
      [`${Rsa.encrypt('x', publicKey).slice(0, -4)}\n===`, /not base64/],
      [42, /a number, not a base64 string/],
    ] as const) {
      const error = refused(value);
      expect(error).to.be.instanceOf(ArgumentError);
      expect(error.code).to.equal('ERR_CIPHERTEXT');
      expect(error.message).to.match(says);
      expect(error.message).not.to.include(String(value));
      expect(error.message).to.include('wxpay.encrypt(plaintext)');
    }
  });

  it('checks the size for another key size when told (RSA-3072: 384 bytes), and refuses a size that is no key size', () => {
    const { publicKey: wide } = generateKeyPairSync('rsa', { modulusLength: 3072 });
    const ciphertext = Rsa.encrypt('张三', wide);
    expect(Sealed.from(ciphertext, 3072)).to.equal(ciphertext);
    expect(refused(ciphertext).message).to.match(/base64 of 384 bytes, where an RSA-2048 ciphertext has 256/);
    expect(refused(ciphertext, 1000).code).to.equal('ERR_ARGUMENT');
  });

  it('isSealed reads strict base64 only: Buffer.from would skip junk, a ciphertext must not', () => {
    const ciphertext = Rsa.encrypt('x', publicKey);
    expect(isSealed(ciphertext)).to.equal(true);
    expect(isSealed(`${ciphertext.slice(0, 100)}*${ciphertext.slice(101)}`)).to.equal(false);
    expect(isSealed(ciphertext.replace(/=+$/, ''))).to.equal(false);
    expect(isSealed(undefined)).to.equal(false);
  });
});
