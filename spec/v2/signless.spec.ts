// The signless list is bound to the facts: an APIv2 operation is signless exactly when its documented
// answer lists fields and `sign` is not among them, or it is a GET page the user's browser opens
// (entrustweb, authindex: no answer documented, an HTML page comes back). A POST whose answer has no
// documented fields stays signed (fail closed), as does every operation not on the list.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { DOWNLOADS_V2, isDownload, isSignless, SIGNLESS_V2 } from '../../lib/v2/signless.js';

interface Operation {
  template: string;
  method: string;
  tree: string;
  response?: { properties?: Record<string, unknown> };
}
const facts = JSON.parse(readFileSync(new URL('../../scripts/openapi/facts.json', import.meta.url), 'utf8')) as { operations: Operation[] };
const v2 = facts.operations.filter((op) => op.tree === 'v2');

describe('APIv2 signless list', () => {
  it('is exactly the v2 operations whose documented answer has fields but no sign', () => {
    const unsigned = (op: Operation) => (op.response?.properties ? !('sign' in op.response.properties) : op.method === 'get' && !op.response);
    const fromFacts = [...new Set(v2.filter(unsigned).map((op) => op.template))].sort();
    expect([...SIGNLESS_V2].sort()).to.deep.equal(fromFacts);
    expect(fromFacts).to.have.length(28);
  });

  it('keeps operations with an undocumented answer signed, and every other v2 operation', () => {
    const undocumented = v2.filter((op) => op.method !== 'get' && !op.response?.properties).map((op) => op.template);
    expect(undocumented).to.deep.equal(['v2/applyment/micro/signcontract']);
    for (const template of undocumented) expect(isSignless(template), template).to.equal(false);
    expect(v2.filter((op) => isSignless(op.template))).to.have.length(SIGNLESS_V2.length);
    expect(isSignless('v2/pay/orderquery')).to.equal(false);
    expect(isSignless('v2/pay/downloadbill/')).to.equal(false);
  });

  it('lists the file downloads among the signless ones', () => {
    for (const template of DOWNLOADS_V2) expect(isSignless(template), template).to.equal(true);
    expect(isDownload('v2/pay/downloadfundflow')).to.equal(true);
    expect(isDownload('v2/mmpaymkttransfers/sendredpack')).to.equal(false);
  });
});
