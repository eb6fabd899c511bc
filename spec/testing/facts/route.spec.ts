// Every operation of the registry, served by default (the generated table of the facts): a sample of 50 v3 operations,
// each with one valid request made from its facts (signed answer, the documented status, an
// answer valid against its facts, the same twice) and one invalid request (400 PARAM_ERROR naming
// the field); and the stateful flows behind the same check.
import { expect } from 'chai';
import { ApiError, Builder, type WechatpayClient } from '../../../lib/index.js';
import { generatedOperations, Sandbox, type FactOperation, type ListeningSandbox } from '../../../lib/testing/index.js';
import { synthesize } from '../../../lib/testing/facts/synthetic.js';
import { findSealed, sealedPlaces } from '../../../lib/crypto/sealed-fields.js';
import { check } from '../../../lib/testing/facts/validate.js';
import { KEYS } from '../support.js';
import { jsapiOrder, number } from '../flows/support.js';

const OPERATIONS = generatedOperations();

/** Served by a flow or a hand-written endpoint: their answers follow state, not the facts alone. */
const STATEFUL = /^v3\/(pay\/|refund\/domestic\/|fund-app\/mch-transfer\/transfer-bills|profitsharing\/|bill\/|billdownload\/|certificates$|businesscircle\/user-authorizations|marketing\/membercard-open\/cards\/\{card_id\}\/permission-tokens)/;

interface Call {
  vars: Record<string, string>;
  query?: Record<string, string>;
  json?: unknown;
}

function validCall(operation: FactOperation): Call {
  const seed = `request ${operation.method} ${operation.template}`;
  const vars = (synthesize(operation.path ?? { type: 'object' }, seed, 'path') ?? {}) as Record<string, unknown>;
  const query = operation.query ? synthesize(operation.query, seed, 'query') as Record<string, unknown> : undefined;
  return {
    vars: Object.fromEntries(Object.entries(vars).map(([key, value]) => [key, String(value)])),
    ...(query ? { query: Object.fromEntries(Object.entries(query).map(([key, value]) => [key, String(value)])) } : {}),
    ...(operation.body ? { json: synthesize(operation.body, seed, 'body') } : {}),
  };
}

/** One way to break the request, with the field the answer must name; `undefined` when nothing is required. */
function invalidCall(operation: FactOperation, call: Call): { call: Call; field: string; location: string } | undefined {
  const body = operation.body?.required?.[0];
  if (body !== undefined && call.json && typeof call.json === 'object') {
    const { [body]: _dropped, ...json } = call.json as Record<string, unknown>;
    return { call: { ...call, json }, field: body, location: 'body' };
  }
  const query = operation.query?.required?.[0];
  if (query !== undefined && call.query) {
    const { [query]: _dropped, ...rest } = call.query;
    return { call: { ...call, query: rest }, field: query, location: 'query' };
  }
  const typed = Object.entries(operation.query?.properties ?? {}).find(([, schema]) => schema.type === 'integer' || schema.enum);
  if (typed) return { call: { ...call, query: { ...call.query, [typed[0]]: 'not-a-valid-value' } }, field: typed[0], location: 'query' };
  return undefined;
}

const plain = (schema: FactOperation['query']) => Object.values(schema?.properties ?? {}).every((member) => member.type !== 'object' && member.type !== 'array');
const candidates = OPERATIONS
  .filter((operation) => operation.request === 'json' && /^(v3|hk|global)\//.test(operation.template) && !STATEFUL.test(operation.template))
  .filter((operation) => (operation.answer === 'json' || operation.answer === 'none') && plain(operation.query) && !operation.headers?.required?.length)
  .filter((operation) => invalidCall(operation, validCall(operation)) !== undefined)
  .sort((a, b) => `${a.template} ${a.method}`.localeCompare(`${b.template} ${b.method}`));
const stride = Math.max(1, Math.floor(candidates.length / 50));
const SAMPLE = candidates.filter((_, index) => index % stride === 0).slice(0, 50);

/** The call with its encrypted fields sealed for the sandbox's platform key, as a caller must send them. */
function sealed(wxpay: WechatpayClient, operation: FactOperation, call: Call): Call {
  const copy = structuredClone(call);
  findSealed(sealedPlaces(operation.template, operation.method, 'request'), { json: copy.json, query: copy.query }, (value, _field, _root, replace) => replace(wxpay.encrypt(String(value))));
  return copy;
}

async function send(wxpay: WechatpayClient, operation: FactOperation, call: Call) {
  const node = wxpay.chain(operation.template) as unknown as Record<string, (options: object) => Promise<{ status: number; data: unknown }>>;
  return node[operation.method]!({ ...call.vars, ...(call.query ? { query: call.query } : {}), ...(call.json === undefined ? {} : { json: call.json }) });
}

describe('Sandbox serving the facts: validation and schema-valid answers', () => {
  const sandbox = new Sandbox({ keys: KEYS, answerSeed: 'spec' });
  let server: ListeningSandbox;
  let wxpay: WechatpayClient;
  before(async () => {
    server = await sandbox.listen();
    wxpay = Builder.factory(sandbox.clientConfig({ baseURL: server.url }));
  });
  after(async () => {
    sandbox.close();
    await server.close();
  });

  it(`samples 50 operations from the ${candidates.length} that can be checked both ways`, () => {
    expect(SAMPLE).to.have.length(50);
    expect(new Set(SAMPLE.map((operation) => operation.template.split('/')[1])).size, 'spread over products').to.be.greaterThan(15);
  });

  for (const operation of SAMPLE) {
    it(`${operation.method.toUpperCase()} ${operation.template}: a valid request gets ${operation.status}, an invalid one PARAM_ERROR`, async () => {
      const call = sealed(wxpay, operation, validCall(operation));
      const first = await send(wxpay, operation, call);
      expect(first.status).to.equal(operation.status);
      if (operation.answer === 'json') {
        expect(check(operation.response ?? { type: 'object' }, first.data, '', 'answer'), 'answer valid against its facts').to.equal(undefined);
        expect((await send(wxpay, operation, call)).data, 'deterministic').to.deep.equal(first.data);
      } else {
        expect(first.data).to.equal('');
      }
      const broken = invalidCall(operation, call)!;
      const error = await send(wxpay, operation, broken.call).then(() => expect.fail('accepted'), (caught: unknown) => caught);
      expect(error).to.be.instanceOf(ApiError);
      expect(error).to.include({ status: 400, code: 'PARAM_ERROR' });
      expect((error as ApiError).detail).to.deep.equal({ field: broken.field, location: broken.location });
    });
  }

  it('checks path variables against their facts too: type, length', async () => {
    // @ts-expect-error the types refuse this request too; the sandbox must refuse it on the wire
    const cities = await wxpay.chain('v3/capital/capitallhh/areas/provinces/{province_code}/cities').get({ province_code: 'north' }).catch((caught: unknown) => caught);
    expect(cities).to.include({ code: 'PARAM_ERROR' });
    expect((cities as ApiError).detail).to.deep.equal({ field: 'province_code', location: 'path' });
    expect((await wxpay.chain('v3/capital/capitallhh/areas/provinces/{province_code}/cities').get({ province_code: 110000 })).status).to.equal(200);
    const state = await wxpay.chain('v3/apply4subject/applyment/merchants/{sub_mchid}/state').get({ sub_mchid: '1234' }).catch((caught: unknown) => caught);
    expect((state as ApiError).detail).to.deep.equal({ field: 'sub_mchid', location: 'path' });
  });

  it('the stateful flows sit behind the same check: facts first (a missing description), then the flow (a duplicate)', async () => {
    const out_trade_no = number('FACT');
    const order = jsapiOrder(sandbox.mchid, out_trade_no, 'http://127.0.0.1:9/n', 100);
    const { description: _dropped, ...withoutDescription } = order;
    // @ts-expect-error the types refuse this request too; the sandbox must refuse it on the wire
    const missing = await wxpay.v3.pay.transactions.jsapi.post({ json: withoutDescription }).catch((caught: unknown) => caught);
    expect((missing as ApiError).detail).to.deep.equal({ field: 'description', location: 'body' });
    expect((await wxpay.v3.pay.transactions.jsapi.post({ json: order })).data.prepay_id).to.match(/^wx/);
    const duplicate = await wxpay.v3.pay.transactions.jsapi.post({ json: { ...order, amount: { total: 5 } } }).catch((caught: unknown) => caught);
    expect(duplicate).to.include({ code: 'INVALID_REQUEST' });
    const { data } = await wxpay.v3.pay.transactions.outTradeNo._out_trade_no_.get({ out_trade_no, query: { mchid: sandbox.mchid } });
    expect(data.trade_state).to.equal('NOTPAY');
  });
});
