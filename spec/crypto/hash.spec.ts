import { execFileSync } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { expect } from 'chai';
import { ArgumentError } from '../../lib/errors.js';
import { Hash } from '../../lib/crypto/hash.js';

// The example of WeChat Pay's APIv2 signature guide (pay.weixin.qq.com, "安全规范").
const STRING_A = 'appid=wxd930ea5d5a258f4f&body=test&device_info=1000&mch_id=10000100&nonce_str=ibuaiVcKdpRxkhJA';
const KEY = '192006250b4c09247ec02edce69f6a2d';

describe('Hash', () => {
  it('md5 is plain lower-case MD5 without a key', () => {
    expect(Hash.md5('')).to.equal('d41d8cd98f00b204e9800998ecf8427e');
    expect(Hash.md5('abc')).to.equal('900150983cd24fb0d6963f7d28e17f72');
    expect(Hash.md5(Buffer.from('abc'))).to.equal(createHash('md5').update('abc').digest('hex'));
  });

  it('md5 appends &key= (or &secret= for agency) when a key is given', () => {
    expect(Hash.md5(STRING_A, KEY)).to.equal(createHash('md5').update(`${STRING_A}&key=${KEY}`).digest('hex'));
    expect(Hash.md5(STRING_A, KEY, true)).to.equal(createHash('md5').update(`${STRING_A}&secret=${KEY}`).digest('hex'));
    expect(Hash.md5(STRING_A, KEY, '1000002')).to.equal(Hash.md5(STRING_A, KEY, true));
  });

  it('hmac is lower-case HMAC of text&key=key, keyed with key', () => {
    expect(Hash.hmac(STRING_A, KEY)).to.equal(createHmac('sha256', KEY).update(`${STRING_A}&key=${KEY}`).digest('hex'));
    expect(Hash.hmac(STRING_A, KEY, 'sha512')).to.equal(createHmac('sha512', KEY).update(`${STRING_A}&key=${KEY}`).digest('hex'));
    const openssl = execFileSync('openssl', ['dgst', '-sha256', '-hmac', KEY, '-r'], { input: `${STRING_A}&key=${KEY}` }).toString().split(' ')[0];
    expect(Hash.hmac(STRING_A, KEY)).to.equal(openssl);
  });

  it('sign gives the upper-case answers of the APIv2 guide', () => {
    expect(Hash.sign('MD5', STRING_A, KEY)).to.equal('9A0A8659F005D6984697E2CA0A9CF3B7');
    expect(Hash.sign('HMAC-SHA256', STRING_A, KEY)).to.equal('6A9AE1657590FD6257D693A078E1C3E4BB6BA4DC30B23E0EE2496E54170DACD6');
    expect(Hash.sign(Hash.ALGO_MD5, STRING_A, KEY)).to.equal(Hash.md5(STRING_A, KEY).toUpperCase());
    expect(Hash.sign(Hash.ALGO_HMAC_SHA256, STRING_A, KEY)).to.equal(Hash.hmac(STRING_A, KEY).toUpperCase());
  });

  it('sign refuses other types', () => {
    expect(() => Hash.sign('SHA1' as 'MD5', STRING_A, KEY)).to.throw(ArgumentError).with.property('code', 'ERR_ARGUMENT');
  });
});
