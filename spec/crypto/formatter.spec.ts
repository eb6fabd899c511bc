import { expect } from 'chai';
import { Formatter } from '../../lib/crypto/formatter.js';
import { AesGcm, Formatter as FromBarrel, Hash, Rsa } from '../../lib/crypto/index.js';

describe('Formatter', () => {
  it('is re-exported by the crypto barrel with its siblings', () => {
    expect(FromBarrel).to.equal(Formatter);
    expect(Rsa.from).to.be.a('function');
    expect(AesGcm.decrypt).to.be.a('function');
    expect(Hash.sign).to.be.a('function');
  });

  it('makes 32-character [0-9A-Za-z] nonces by default, any size on demand', () => {
    expect(Formatter.nonce()).to.match(/^[0-9A-Za-z]{32}$/);
    expect(Formatter.nonce(16)).to.match(/^[0-9A-Za-z]{16}$/);
    expect(Formatter.nonce(0)).to.equal('');
  });

  it('makes 10k distinct nonces that use the whole alphabet', () => {
    const nonces = new Set(Array.from({ length: 10_000 }, () => Formatter.nonce()));
    expect(nonces.size).to.equal(10_000);
    const seen = new Set([...nonces].join(''));
    expect(seen.size).to.equal(62);
  });

  it('draws every character of the 62 equally often: no modulo bias', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 20_000; i += 1) for (const char of Formatter.nonce()) counts.set(char, (counts.get(char) ?? 0) + 1);
    // 640,000 draws: 10,323 expected each, a standard deviation near 100. Folding the bytes 248–255
    // onto the first eight characters would give those 25 % more; ±8 % is 8 deviations either way.
    expect(counts.size).to.equal(62);
    for (const [char, count] of counts) expect(count, char).to.be.within(10_323 * 0.92, 10_323 * 1.08);
  });

  it('builds the signed messages byte for byte, a Buffer body kept as bytes', () => {
    const body = Buffer.from([0x7b, 0xff, 0x00, 0x7d]);
    expect(Formatter.request('post', '/v3/x?a=1', 1554208460, 'N', '{"a":1}')).to.equal('POST\n/v3/x?a=1\n1554208460\nN\n{"a":1}\n');
    expect(Formatter.request('GET', '/v3/x', '1554208460', 'N')).to.equal('GET\n/v3/x\n1554208460\nN\n\n');
    expect(Formatter.request('PUT', '/v3/中', 1, 'N', body)).to.deep.equal(Buffer.concat([Buffer.from('PUT\n/v3/中\n1\nN\n'), body, Buffer.from('\n')]));
    expect(Formatter.response(1554208460, 'N', body)).to.deep.equal(Buffer.concat([Buffer.from('1554208460\nN\n'), body, Buffer.from('\n')]));
    expect(Formatter.response('1554208460', 'N')).to.equal('1554208460\nN\n\n');
  });

  it('gives the timestamp in whole seconds', () => {
    const before = Math.floor(Date.now() / 1000);
    const timestamp = Formatter.timestamp();
    expect(Number.isInteger(timestamp)).to.equal(true);
    expect(timestamp).to.be.within(before, Math.floor(Date.now() / 1000));
  });

  it('formats the request message with a line feed after every piece', () => {
    expect(Formatter.request('get', '/v3/certificates', 1554208460, '593BEC0C930BF1AFEB40B4A08C8FB242'))
      .to.equal('GET\n/v3/certificates\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n\n');
    expect(Formatter.request('POST', '/v3/pay/transactions/native?x=1', '1554208460', 'N', '{"a":1}'))
      .to.equal('POST\n/v3/pay/transactions/native?x=1\n1554208460\nN\n{"a":1}\n');
  });

  it('formats the response message', () => {
    expect(Formatter.response(1554209980, 'c5ac7061fccab6bf3e254dcf98995b8c', '{"data":[]}'))
      .to.equal('1554209980\nc5ac7061fccab6bf3e254dcf98995b8c\n{"data":[]}\n');
    expect(Formatter.response('1', 'n')).to.equal('1\nn\n\n');
  });

  it('keeps a Buffer body as exact bytes', () => {
    const body = Buffer.from([0xff, 0x00, 0xfe, 0x0a, 0xe4, 0xb8]); // not valid UTF-8 on purpose
    const request = Formatter.request('PUT', '/v3/upload', 1, 'N', body);
    expect(Buffer.isBuffer(request)).to.equal(true);
    expect(request.equals(Buffer.concat([Buffer.from('PUT\n/v3/upload\n1\nN\n'), body, Buffer.from('\n')]))).to.equal(true);
    const response = Formatter.response(1, 'N', body);
    expect(Buffer.isBuffer(response)).to.equal(true);
    expect(response.equals(Buffer.concat([Buffer.from('1\nN\n'), body, Buffer.from('\n')]))).to.equal(true);
  });

  it('joins pieces by line feed', () => {
    expect(Formatter.joinedByLineFeed('a', 'b')).to.equal('a\nb\n');
    expect(Formatter.joinedByLineFeed()).to.equal('');
    expect(Formatter.joinedByLineFeed('a', Buffer.from('b'))).to.deep.equal(Buffer.from('a\nb\n'));
  });

  it('formats the Authorization header as WeChat Pay documents it', () => {
    expect(Formatter.authorization('1900009191', '593BEC0C930BF1AFEB40B4A08C8FB242', 'c2ln', 1554208460, '1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C'))
      .to.equal('WECHATPAY2-SHA256-RSA2048 mchid="1900009191",nonce_str="593BEC0C930BF1AFEB40B4A08C8FB242",'
        + 'signature="c2ln",timestamp="1554208460",serial_no="1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C"');
  });
});
