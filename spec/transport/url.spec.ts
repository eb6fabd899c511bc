// The request URL (lib/transport/url.ts): joined and parsed once per attempt, the parse held beside that
// attempt's config for the adapter, and never reused once the config names another target.
import { expect } from 'chai';
import { Builder } from '../../lib/index.js';
import { Sandbox } from '../../lib/testing/index.js';
import { fullUrl, urlOf } from '../../lib/transport/url.js';
import { sharedKeys } from '../support/gateway.js';

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

  it('end to end: two clients with their own keys and hosts, and one call’s own baseURL, interleaved, each signed for where it goes', async () => {
    const TEMPLATE = 'v3/businesscircle/user-authorizations/{openid}';
    const query = { appid: 'wx1234567890abcdef' };
    const mine = new Sandbox({ keys: sharedKeys() });
    const theirs = new Sandbox();
    const [first, second, other] = await Promise.all([mine.listen(), mine.listen(), theirs.listen()]);
    try {
      const a = Builder.factory(mine.clientConfig({ baseURL: first.url }));
      const b = Builder.factory(theirs.clientConfig({ baseURL: other.url }));
      const calls: Promise<{ data: { openid: string } }>[] = [];
      for (let i = 0; i < 12; i += 1) {
        calls.push(a.chain(TEMPLATE).get({ openid: `oA${i}`, query }));
        calls.push(b.chain(TEMPLATE).get({ openid: `oB${i}`, query }));
        calls.push(a.chain(TEMPLATE).get({ openid: `oC${i}`, query, baseURL: second.url }));
      }
      // Each sandbox checks every signature against its own merchant key and the target it was sent to.
      const openids = (await Promise.all(calls)).map(({ data }) => data.openid);
      expect(openids).to.deep.equal(Array.from({ length: 12 }, (_, i) => [`oA${i}`, `oB${i}`, `oC${i}`]).flat());
    } finally {
      await Promise.all([first.close(), second.close(), other.close()]);
    }
  });
});
