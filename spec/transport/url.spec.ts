// The request URL (lib/transport/url.ts): joined and parsed once per attempt, the parse held beside that
// attempt's config for the adapter, and never reused once the config names another target.
import { expect } from 'chai';
import { fullUrl, urlOf } from '../../lib/transport/url.js';

describe('the request URL', () => {
  it('joins a relative url to baseURL with one slash; an absolute url stands alone', () => {
    expect(fullUrl('https://a.test/', '/v3/x?q=1').href).to.equal('https://a.test/v3/x?q=1');
    expect(fullUrl('https://a.test//', 'v3/x').href).to.equal('https://a.test/v3/x');
    expect(fullUrl('https://a.test/base', 'v3/x').href).to.equal('https://a.test/base/v3/x');
    expect(fullUrl('https://a.test/', 'https://b.test/v3/y').href).to.equal('https://b.test/v3/y');
  });

  it('parses a config once, and again as soon as its baseURL or url is another', () => {
    const config: { baseURL?: string; url?: string } = { baseURL: 'https://a.test/', url: 'v3/x' };
    const first = urlOf(config);
    expect(urlOf(config)).to.equal(first);
    config.baseURL = 'https://b.test/';
    expect(urlOf(config).href).to.equal('https://b.test/v3/x');
    config.url = 'v3/y';
    expect(urlOf(config).href).to.equal('https://b.test/v3/y');
    // Another config with the same target gets its own parse: nothing is shared between calls.
    expect(urlOf({ baseURL: 'https://b.test/', url: 'v3/y' })).to.not.equal(urlOf(config));
  });

  it('keeps the parse off the config: nothing for axios to merge or a spread to copy', () => {
    const config = { baseURL: 'https://a.test/', url: 'v3/x' };
    urlOf(config);
    expect(Object.keys(config)).to.deep.equal(['baseURL', 'url']);
    expect({ ...config }).to.deep.equal({ baseURL: 'https://a.test/', url: 'v3/x' });
  });
});
