// The client's axios instance (lib/transport/instance.ts): the defaults axios would merge into every
// call for nothing are left out, and only those; what a caller configured stays.
import axios from 'axios';
import { expect } from 'chai';
import { createInstance } from '../../lib/transport/instance.js';

describe('the client’s axios instance', () => {
  it('leaves out the defaults that change nothing, keeping baseURL, adapter, caps and headers', () => {
    const adapter = () => Promise.reject(new Error('unused'));
    const { defaults } = createInstance({ adapter, baseURL: 'https://api.mch.weixin.qq.com/', maxContentLength: 1024, maxRedirects: 0, headers: { Accept: 'application/json' } });
    const keys = Object.keys(defaults).sort();
    expect(keys).to.deep.equal(['adapter', 'baseURL', 'headers', 'maxContentLength', 'maxRedirects']);
    expect(defaults.adapter).to.equal(adapter);
    // One flat object: axios's common Accept under the client's own, its undefined Content-Type gone.
    expect(defaults.headers).to.deep.equal({ Accept: 'application/json' });
  });

  it('keeps a default whose value changes a call: a body limit, zstd advertised, a fetch of the caller’s own', () => {
    const fetch = () => Promise.reject(new Error('unused'));
    const { defaults } = createInstance({ maxBodyLength: 2048, transitional: { advertiseZstdAcceptEncoding: true }, env: { fetch } });
    expect(defaults.maxBodyLength).to.equal(2048);
    expect(defaults.transitional).to.include({ advertiseZstdAcceptEncoding: true });
    expect(defaults.env).to.include({ fetch });
  });

  it('judges a default by what it does, not by whether axios holds the same globally', () => {
    const saved = axios.defaults.maxBodyLength;
    axios.defaults.maxBodyLength = 4096;
    try {
      expect(createInstance({}).defaults.maxBodyLength).to.equal(4096);
    } finally {
      axios.defaults.maxBodyLength = saved;
    }
    expect(createInstance({ timeout: 5000, xsrfCookieName: 'other', transitional: { clarifyTimeoutError: true } }).defaults).to.not.have.any.keys('timeout', 'xsrfCookieName', 'transitional');
  });

  it('never transforms a body nor judges a status: both are the interceptors’ work', async () => {
    const seen: unknown[] = [];
    const instance = createInstance({
      transformRequest: [() => 'changed'],
      transformResponse: [() => 'changed'],
      validateStatus: (status: number) => status < 300,
      adapter: async (config) => {
        seen.push(config.data);
        return { status: 500, statusText: '', headers: {}, config, data: Buffer.from('{"code":"SYSTEM_ERROR"}') };
      },
    });
    const body = Buffer.from('{"a":1}');
    const response = await instance.request({ method: 'POST', url: 'https://x.test/', data: body });
    expect(seen).to.deep.equal([body]);
    expect(response.status).to.equal(500);
    expect(response.data).to.deep.equal(Buffer.from('{"code":"SYSTEM_ERROR"}'));
  });

  it('leaves the headers nested when one is set on axios globally for a method: axios merges those per method', () => {
    const perMethod = axios.defaults.headers.get as Record<string, string>;
    perMethod['X-Get'] = 'g';
    try {
      const { defaults } = createInstance({ headers: { Accept: 'application/json' } });
      expect((defaults.headers as unknown as Record<string, Record<string, string>>).get).to.include({ 'X-Get': 'g' });
    } finally {
      delete perMethod['X-Get'];
    }
  });
});
