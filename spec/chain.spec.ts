import { inspect } from 'node:util';
import { expect } from 'chai';
import { createChain, segmentOf, type Dispatch } from '../lib/chain.js';

type Node = Record<string, any>;

function recordingChain(capacity?: number) {
  const calls: [string, string, unknown][] = [];
  const dispatch: Dispatch = async (method, template, options) => {
    calls.push([method, template, options]);
    return { method, template };
  };
  return { root: createChain(dispatch, '[root]', capacity) as Node, calls };
}

describe('chain', () => {
  describe('segmentOf (wechatpay-php naming rules)', () => {
    const cases: [string, string][] = [
      ['v3', 'v3'],
      ['userAuthorizations', 'user-authorizations'],
      ['complaintsV2', 'complaints-v2'],
      ['MembercardOpen', 'membercard-open'],
      ['_openid_', '{openid}'],
      ['_card_id_', '{card_id}'],
      ['out_trade_no', 'out_trade_no'],
      ['user-authorizations', 'user-authorizations'],
      ['{openid}', '{openid}'],
    ];
    for (const [property, segment] of cases) {
      it(`${property} → ${segment}`, () => expect(segmentOf(property)).to.equal(segment));
    }
  });

  it('reaches the same template by chained names, chain() and bracket keys', () => {
    const { root } = recordingChain();
    const template = 'v3/businesscircle/user-authorizations/{openid}';
    expect(String(root.v3.businesscircle.userAuthorizations._openid_)).to.equal(template);
    expect(String(root.chain(template))).to.equal(template);
    expect(String(root.chain(`/${template}`))).to.equal(template);
    expect(String(root[template])).to.equal(template);
    expect(String(root[`/${template}`])).to.equal(template);
    expect(String(root.v3.chain('businesscircle/user-authorizations').chain('{openid}'))).to.equal(template);
    expect(String(root.v3['businesscircle/user-authorizations/{openid}'])).to.equal(template);
  });

  it('takes chain() paths and bracket keys as written, without case folding', () => {
    const { root } = recordingChain();
    expect(String(root.chain('v3/cards/pDF3JxxxM'))).to.equal('v3/cards/pDF3JxxxM');
    expect(String(root.v3['cards/pDF3JxxxM'].permissionTokens)).to.equal('v3/cards/pDF3JxxxM/permission-tokens');
    // A literal id in a chained name is folded: the documented pitfall.
    expect(String(root.v3.cards.pDF3JxxxM)).to.equal('v3/cards/p-d-f3-jxxx-m');
  });

  it('dispatches every verb and its Async twin with the node template', async () => {
    const { root, calls } = recordingChain();
    const node = root.v3.marketing.membercardOpen.cards._card_id_.permissionTokens;
    for (const verb of ['get', 'post', 'put', 'patch', 'delete']) {
      await node[verb]({ card_id: 'c' });
      await node[`${verb}Async`]({ card_id: 'c' });
    }
    expect(calls.map(([method]) => method)).to.deep.equal(['get', 'get', 'post', 'post', 'put', 'put', 'patch', 'patch', 'delete', 'delete']);
    expect(new Set(calls.map(([, template]) => template))).to.deep.equal(new Set(['v3/marketing/membercard-open/cards/{card_id}/permission-tokens']));
  });

  it('is not a thenable: awaiting a node sends nothing and gives the node back', async () => {
    const { root, calls } = recordingChain();
    const awaited = await root.v3;
    expect(String(awaited)).to.equal('v3');
    expect(root.v3.then).to.equal(undefined);
    expect('then' in root.v3).to.equal(false);
    expect(calls).to.have.length(0);
  });

  it('shows its template to util.inspect, String() and JSON, and makes no segment of symbols or toJSON', () => {
    const { root } = recordingChain();
    const node = root.v3.businesscircle;
    expect(inspect(node)).to.equal('[Wechatpay v3/businesscircle]');
    expect(inspect(root)).to.equal('[root]');
    expect(`${node}`).to.equal('v3/businesscircle');
    expect(JSON.stringify({ node })).to.equal('{"node":"v3/businesscircle"}');
    expect(node[Symbol.iterator]).to.equal(undefined);
    expect(node[Symbol.toStringTag]).to.equal(undefined);
    expect(String(node)).to.equal('v3/businesscircle');
  });

  it('refuses to be written to', () => {
    const { root } = recordingChain();
    expect(() => {
      'use strict';
      root.v3.x = 1;
    }).to.throw(TypeError);
  });

  it('caches nodes: the same template gives the same node', () => {
    const { root } = recordingChain();
    expect(root.v3.businesscircle).to.equal(root.chain('v3/businesscircle'));
  });

  it('gives each node its children by name, and the same child however it is reached', () => {
    const { root } = recordingChain();
    const node = root.v3.businesscircle;
    expect(node.userAuthorizations).to.equal(node.userAuthorizations);
    expect(String(node.userAuthorizations)).to.equal('v3/businesscircle/user-authorizations');
    expect(node.userAuthorizations).to.equal(root.chain('v3/businesscircle/user-authorizations'));
    expect(node['user-authorizations']).to.equal(node.userAuthorizations);
    // A hundred literal ids under one node (past what a node remembers by name) still name each its own child.
    for (let i = 0; i < 100; i += 1) expect(String(node[`id/${i}`])).to.equal(`v3/businesscircle/id/${i}`);
    expect(String(node.userAuthorizations._openid_)).to.equal('v3/businesscircle/user-authorizations/{openid}');
  });

  it('keeps memory bounded when a server names a great many distinct literal ids', function () {
    const gc = (globalThis as { gc?: () => void }).gc;
    if (!gc) throw new Error('run mocha with --expose-gc (see .mocharc.json)');
    const { root } = recordingChain(1000);
    const visit = (from: number, count: number) => {
      for (let i = from; i < from + count; i += 1) {
        void root[`v3/pay/transactions/id/${'4200000'.padEnd(28, String(i))}${i}`].chain('x');
        // Each literal id a child node of a shared parent, itself with a child: every node's memo of its children is bounded too.
        void root.v3.refund[`R${'1'.padEnd(20, String(i))}${i}`].detail;
      }
    };
    visit(0, 20_000); // warm up: fill the cache and let the heap settle
    gc();
    const before = process.memoryUsage().heapUsed;
    visit(20_000, 200_000);
    gc();
    const grown = process.memoryUsage().heapUsed - before;
    // 400,000 more nodes kept alive would cost well over 100 MB; a bounded cache costs nothing more.
    expect(grown).to.be.below(5 * 1024 * 1024);
  });
});
