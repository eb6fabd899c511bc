// Issue 11, property-based: any string as a path or query value either reaches the server as
// exactly its UTF-8 bytes, inside its one segment, or is refused before anything is sent.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import fc from 'fast-check';
import { Builder, ArgumentError, ApiError, type WechatpayClient } from '../lib/index.js';
import { Sandbox } from '../lib/testing/index.js';
import { sharedKeys } from './support/gateway.js';

/** Any UTF-16 unit sequence (lone surrogates included), full Unicode, and the values that trip URL parsers. */
const values = fc.oneof(
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit)), maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.constantFrom('.', '..', '%2e', '%2e%2e', '.%2E', '/', '../', '?', '#', '%', '%zz', ' ', '+', '\r\n', '\0', '😀', '\uD83D', 'a/../b'),
);

/** Whether a string has UTF-8 bytes at all (a lone surrogate comes back from TextEncoder as U+FFFD). */
const wellFormed = (text: string) => new TextDecoder().decode(new TextEncoder().encode(text)) === text;

describe('encoding (property-based, real server on 127.0.0.1)', () => {
  let server: Server;
  let wxpay: WechatpayClient;
  const received: string[] = [];

  before(async () => {
    server = createServer((req, res) => {
      received.push(req.url ?? '');
      req.resume();
      res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"code":"NOT_FOUND","message":"recorded"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    wxpay = Builder.factory(new Sandbox({ keys: sharedKeys() }).clientConfig({ baseURL: url }));
  });
  after(() => new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  }));
  beforeEach(() => {
    received.length = 0;
  });

  /**
   * The request-target that reached the server, or the ArgumentError that kept it from going.
   * Only targets under `prefix` count: a test stopped by its time limit goes on sending in the
   * background, and must not be taken for the next test's requests.
   */
  async function send(prefix: string, call: () => Promise<unknown>): Promise<string | ArgumentError> {
    const mine = () => received.filter((target) => target.startsWith(prefix));
    const before = mine().length;
    try {
      await call();
    } catch (error) {
      if (error instanceof ArgumentError) {
        expect(mine().length, 'a refused call sent nothing').to.equal(before);
        return error;
      }
      expect(error).to.be.instanceOf(ApiError);
    }
    expect(mine().length).to.equal(before + 1);
    return mine()[before]!;
  }

  it('a path value stays inside its one segment, byte for byte, or is refused with ERR_PATH_PARAM', async () => {
    await fc.assert(fc.asyncProperty(values, async (value) => {
      const outcome = await send('/v3/probe/', () => wxpay.chain('v3/probe/{id}/tail').get({ id: value }));
      if (outcome instanceof ArgumentError) {
        expect(outcome.code).to.equal('ERR_PATH_PARAM');
        expect(value === '' || value === '.' || value === '..' || !wellFormed(value), `refused ${JSON.stringify(value)}`).to.equal(true);
        return;
      }
      // What a server sees once it has parsed the target (dot segments resolved, as WHATWG URL does).
      const segments = new URL(outcome, 'http://127.0.0.1').pathname.split('/');
      expect(segments, JSON.stringify(value)).to.have.length(5);
      expect(segments[1]).to.equal('v3');
      expect(segments[2]).to.equal('probe');
      expect(segments[4]).to.equal('tail');
      expect(segments[3]).to.match(/^(?:[A-Za-z0-9\-._~]|%[0-9A-F]{2})+$/);
      expect(Buffer.from(decodeURIComponent(segments[3]!), 'utf8').equals(Buffer.from(value, 'utf8')), JSON.stringify(value)).to.equal(true);
    }), { numRuns: 400 });
  });

  it('a query value arrives as its UTF-8 bytes under its own key, or is refused with ERR_OPTIONS', async () => {
    await fc.assert(fc.asyncProperty(values, values, async (key, value) => {
      const outcome = await send('/v3/probe?', () => wxpay.chain('v3/probe').get({ query: { [key]: value, last: 'end' } }));
      if (outcome instanceof ArgumentError) {
        expect(outcome.code).to.equal('ERR_OPTIONS');
        expect(!wellFormed(key) || !wellFormed(value), `refused ${JSON.stringify([key, value])}`).to.equal(true);
        return;
      }
      const params = [...new URL(outcome, 'http://127.0.0.1').searchParams];
      expect(params, JSON.stringify([key, value])).to.deep.equal(key === 'last' ? [['last', value], ['last', 'end']] : [[key, value], ['last', 'end']]);
    }), { numRuns: 300 });
  });
});
