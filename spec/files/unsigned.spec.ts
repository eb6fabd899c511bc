import { expect } from 'chai';
import { http, HttpResponse } from 'msw';
import { Builder } from '../../lib/client.js';
import { VerificationError } from '../../lib/errors.js';
import { isUnsigned, UNSIGNED_PATHS } from '../../lib/files/unsigned.js';
import { mswGateway } from '../support/gateway.js';
import { DOWNLOADS } from '../../lib/endpoints/downloads.js';
import { routeOf } from '../../lib/hosts.js';

// Every listed template with its variable filled in, as a request would name it.
const LISTED = UNSIGNED_PATHS.map((template) => template.replace(/\{[^}]+\}/g, 'ChsyMFQ0AAAAAA'));
// Signed operations next to, inside or around the listed ones.
const SIGNED = [
  '/v3/bill/tradebill', '/v3/bill/fundflowbill', '/v3/bill/sub-merchant-fundflowbill', '/v3/merchant-service/images/upload',
  '/v3/global/merchant-service/images/upload', '/v3/merchant-service/images', '/v3/merchant-service/images/a/b',
  '/v3/billdownload/file/x', '/v3/billdownload', '/v3/statements/x', '/v3/transferdownload', '/v3/pay/transactions/jsapi',
  '/v3/merchant/media/upload', '/hk/v3/statements/extra', '/v3/new-tax-control-fapiao/fapiao-applications',
  '/v3/new-tax-control-fapiao/fapiao-applications/ChsyMFQ0AAAAAA/fapiao-files', '/v3/new-tax-control-fapiao/download/x', '/v3/bill/downloadurl/x',
];

describe('the unsigned-answer list (explicit, one place)', () => {
  const gateway = mswGateway();
  const wxpay = Builder.factory(gateway.sandbox.clientConfig());

  it('is a list of templates from the facts, without duplicates', () => {
    expect(new Set(UNSIGNED_PATHS).size).to.equal(UNSIGNED_PATHS.length);
    expect(UNSIGNED_PATHS).to.include.members(['/v3/billdownload/file', '/v3/transferdownload/signfile', '/v3/transferdownload/elecvoucherfile', '/v3/global/statements', '/v3/merchant-service/images/{media_id}', '/v3/new-tax-control-fapiao/download', '/v3/bill/downloadurl']);
    for (const path of LISTED) expect(isUnsigned(path), path).to.equal(true);
    for (const path of SIGNED) expect(isUnsigned(path), path).to.equal(false);
  });

  it('covers every download of the generated registry, as the client routes it', () => {
    for (const template of DOWNLOADS) {
      const { template: sent } = routeOf(template, {});
      expect(isUnsigned(`/${sent.replace(/\{[^}]+\}/g, 'ChsyMFQ0AAAAAA')}`), template).to.equal(true);
    }
  });

  it('accepts an unsigned answer on every listed path', async () => {
    gateway.use(http.get('*', () => HttpResponse.arrayBuffer(new TextEncoder().encode('file bytes').buffer, { headers: { 'Content-Type': 'application/octet-stream' } })));
    for (const path of LISTED) {
      const { data } = await wxpay.chain(path).get({ responseType: 'text' });
      expect(data, path).to.equal('file bytes');
    }
  });

  it('rejects an unsigned answer on any other path', async () => {
    gateway.use(http.all('*', () => HttpResponse.json({ media_id: 'x' })));
    for (const path of SIGNED) {
      const error = await wxpay.chain(path).get().then(() => undefined, (e: unknown) => e);
      expect(error, path).to.be.instanceOf(VerificationError);
      expect((error as VerificationError).code).to.equal('ERR_RESPONSE_HEADERS');
    }
  });
});
