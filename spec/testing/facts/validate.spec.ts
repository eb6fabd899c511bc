// The facts validator and the answer maker on hand-written schemas: each rule refused with the
// dotted field and its location, text values read as their types, answers deterministic and valid.
import { expect } from 'chai';
import { synthesize } from '../../../lib/testing/facts/synthetic.js';
import type { FactSchema } from '../../../lib/testing/facts/operations.js';
import { check } from '../../../lib/testing/facts/validate.js';

const ORDER: FactSchema = {
  type: 'object',
  required: ['out_trade_no', 'amount'],
  properties: {
    out_trade_no: { type: 'string', maxLength: 32, minLength: 6 },
    state: { type: 'string', enum: ['A', 'B'] },
    date: { type: 'string', pattern: '/\\d{8}|\\d{14}/' },
    amount: { type: 'object', required: ['total'], properties: { total: { type: 'integer', minimum: 1, maximum: 100 }, rate: { type: 'number' } } },
    receivers: { type: 'array', maxItems: 2, items: { type: 'object', required: ['account'], properties: { account: { type: 'string' }, ok: { type: 'boolean' } } } },
    at: { type: 'string', format: 'rfc3339' },
  },
};
const valid = { out_trade_no: 'ORDER_1', amount: { total: 5 } };
const where = (value: unknown) => {
  const problem = check(ORDER, value, '', 'body');
  return problem && `${problem.location}:${problem.field}`;
};

describe('facts validator', () => {
  it('accepts a valid value and names the first violation of each rule', () => {
    expect(where(valid)).to.equal(undefined);
    expect(where({ amount: { total: 5 } })).to.equal('body:out_trade_no');
    expect(where({ ...valid, out_trade_no: '' })).to.equal('body:out_trade_no');
    expect(where({ ...valid, out_trade_no: 12345678 })).to.equal('body:out_trade_no');
    expect(where({ ...valid, out_trade_no: 'x'.repeat(33) })).to.equal('body:out_trade_no');
    expect(where({ ...valid, out_trade_no: 'short' })).to.equal('body:out_trade_no');
    expect(where({ ...valid, state: 'C' })).to.equal('body:state');
    expect(where({ ...valid, date: 'yesterday' })).to.equal('body:date');
    expect(where({ ...valid, amount: {} })).to.equal('body:amount.total');
    expect(where({ ...valid, amount: { total: 1.5 } })).to.equal('body:amount.total');
    expect(where({ ...valid, amount: { total: 0 } })).to.equal('body:amount.total');
    expect(where({ ...valid, amount: { total: 101 } })).to.equal('body:amount.total');
    expect(where({ ...valid, amount: { total: 1, rate: '0.6' } })).to.equal('body:amount.rate');
    expect(where({ ...valid, amount: [] })).to.equal('body:amount');
    expect(where({ ...valid, receivers: [{ account: 'a' }, {}] })).to.equal('body:receivers[1].account');
    expect(where({ ...valid, receivers: [{ account: 'a', ok: 'yes' }] })).to.equal('body:receivers[0].ok');
    expect(where({ ...valid, receivers: [{ account: 'a' }, { account: 'b' }, { account: 'c' }] })).to.equal('body:receivers');
    expect(where([])).to.equal('body:');
  });

  it('reads path, query and header values as text: digits for integers, true/false for booleans', () => {
    const query: FactSchema = { type: 'object', required: ['limit'], properties: { limit: { type: 'integer', maximum: 50 }, all: { type: 'boolean' } } };
    expect(check(query, { limit: '20', all: 'true' }, '', 'query', true)).to.equal(undefined);
    expect(check(query, { limit: 'twenty' }, '', 'query', true)).to.deep.include({ field: 'limit', location: 'query' });
    expect(check(query, { limit: '51' }, '', 'query', true)).to.deep.include({ field: 'limit' });
    expect(check(query, { limit: '1', all: 'yes' }, '', 'query', true)).to.deep.include({ field: 'all' });
    expect(check(query, {}, '', 'query', true)).to.deep.include({ field: 'limit', message: 'limit is required' });
  });

  it('makes answers that satisfy the schema, the same for the same seed, and echoes known values when they fit', () => {
    const made = synthesize(ORDER, 'seed-1');
    expect(check(ORDER, made, '', 'answer')).to.equal(undefined);
    expect(synthesize(ORDER, 'seed-1')).to.deep.equal(made);
    expect(synthesize(ORDER, 'seed-2')).not.to.deep.equal(made);
    expect((made as { at: string }).at).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
    expect(synthesize(ORDER, 'seed-1', '', { out_trade_no: 'MINE_0001', state: 'Z' })).to.deep.include({ out_trade_no: 'MINE_0001' });
    expect((synthesize(ORDER, 'seed-1', '', { state: 'Z' }) as { state: string }).state).to.be.oneOf(['A', 'B']);
  });
});
