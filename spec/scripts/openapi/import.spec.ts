/**
 * The OpenAPI importer on a small hand-made checkout (spec/scripts/openapi/fixture/docs): $ref in
 * all three spellings, allOf merged (an enum extended into a union), arrays, path variables that
 * disagree with the declared ones, multipart, XML, hosts, and the oddities it must report.
 */
import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import { importDocs, labelOf, nameOf } from '../../../scripts/openapi/facts.mjs';

const docs = fileURLToPath(new URL('./fixture/docs', import.meta.url));
const overlay = { 'v3/demo/applyment/': { post: { 'json.business_code': { enum: ['A', 'B'] } } }, 'global/v3/customs/orders': { get: { host: 'https://apihk.mch.weixin.qq.com/' } } };
const { facts, report, names } = importDocs(docs, { commit: 'f'.repeat(40), overlay });
// Facts are loosely typed JSON; the assertions below check their exact shape.
const op = (template: string, method = 'post'): any => facts.operations.find((candidate) => candidate.template === template && candidate.method === method)!;

describe('scripts/openapi: importer', () => {
  it('records the source, its commit, and counts per tree', () => {
    expect(facts.source).to.deep.equal({ repository: 'TheNorthMemory/wechatpay-openapi', license: 'MIT', commit: 'f'.repeat(40) });
    expect(facts.counts).to.deep.equal({ v3: 4, hk: 1, global: 1, v2: 2 });
  });

  it('keys operations as the files are named, sorted, without v3/webhooks', () => {
    expect(facts.operations.map((candidate) => `${candidate.method} ${candidate.template}`)).to.deep.equal([
      'get global/v3/customs/orders',
      'get hk/v3/refunds',
      'post v2/secapi/mch/addInstitutionsub',
      'post v2/secapi/mch/uploadmedia',
      'post v3/demo/applyment/',
      'post v3/demo/items/{item_id}',
      'post v3/demo/media/upload',
      'get v3/global/statements',
    ]);
    expect(report['not-an-endpoint']).to.deep.equal(['v3/webhooks: the callback envelope WeChat Pay POSTs to merchants; its event_type enum is kept as `events`']);
    expect(facts.events).to.deep.equal(['REFUND.SUCCESS', 'TRANSACTION.SUCCESS']);
    expect(report['trailing-slash-kept']).to.deep.equal(['v3/demo/applyment/']);
    expect(report['not-in-swagger-index']).to.deep.equal(['v3/global/statements']);
    expect(report['v2-mixed-case-segment']![0]).to.match(/^v2\/secapi\/mch\/addInstitutionsub:/);
  });

  it('resolves $refs (file#/Name, file#Name), merges allOf and extends an enum into a union', () => {
    const body = op('v3/demo/items/{item_id}').body;
    expect(Object.keys(body.properties)).to.deep.equal(['name', 'amount', 'tags', 'state']);
    expect(body.required).to.deep.equal(['name', 'amount', 'tags']);
    expect(body.properties.state).to.deep.equal({ type: 'string', label: '状态', enum: ['OPEN', 'CLOSED', 'PENDING'] });
    expect(body.properties.amount).to.deep.equal({
      type: 'object',
      properties: { total: { type: 'integer', label: '总金额' }, currency: { type: 'string' } },
      required: ['total', 'currency'],
    });
    expect(report['allof-enum-union']).to.deep.equal(['POST v3/demo/items/{item_id} body.state']);
  });

  it('keeps arrays with their limits, `require:` read as `required:`, formats and lengths', () => {
    const { body } = op('v3/demo/items/{item_id}');
    expect(body.properties.tags).to.deep.equal({ type: 'array', maxItems: 3, items: { type: 'object', properties: { tag: { type: 'string', pattern: '^[a-z]+$' } }, required: ['tag'] } });
    expect(body.properties.name).to.deep.equal({ type: 'string', label: '收款用户姓名', format: 'base64', maxLength: 1024, encrypted: true });
    expect(op('hk/v3/refunds', 'get').query).to.deep.equal({ type: 'object', properties: { mchid: { type: 'string' } }, required: ['mchid'] });
    expect(report['require-means-required']).to.include.members(['GET hk/v3/refunds: mchid', 'POST v3/demo/items/{item_id} body.tags[]']);
  });

  it('drops required names with no property, and says which', () => {
    expect(report['required-without-property-dropped']).to.deep.equal(['POST v3/demo/items/{item_id} body.amount: ghost']);
  });

  it('lets the template\'s {vars} win over declared path parameters', () => {
    const item = op('v3/demo/items/{item_id}');
    expect(item.path).to.deep.equal({ type: 'object', properties: { item_id: { type: 'string' } }, required: ['item_id'] });
    expect(report['path-params-disagree']).to.deep.equal(['POST v3/demo/items/{item_id}: template {item_id} vs declared item_id, stale_id']);
    expect(item.headers).to.deep.equal({ type: 'object', properties: { 'Idempotency-Key': { type: 'string' }, 'Wechatpay-Serial': { type: 'string' } }, required: ['Idempotency-Key'] });
  });

  it('keeps Wechatpay-Serial a header but not a required one (it goes with encrypted fields only), and counts it', () => {
    expect(op('v3/demo/items/{item_id}').headers.required).to.not.include('Wechatpay-Serial');
    expect(report['serial-only-with-encrypted-fields']).to.deep.equal(['POST v3/demo/items/{item_id}']);
  });

  it('tells multipart uploads, XML, file answers and other hosts apart', () => {
    const upload = op('v3/demo/media/upload');
    expect(upload.request).to.equal('multipart');
    expect(upload.upload.meta.required).to.deep.equal(['filename', 'sha256', 'batch_no']);
    // An APIv3 upload signs its meta alone: its other form fields are kept, and reported as unsigned.
    expect(upload.upload.fields).to.deep.equal({ type: 'object', properties: { item_id: { type: 'string' } } });
    expect(report['multipart-unsigned-field']).to.deep.equal(['POST v3/demo/media/upload: item_id']);
    // An APIv2 upload's text fields are what its sign covers: kept, beside the file's field.
    const media = op('v2/secapi/mch/uploadmedia');
    expect([media.request, media.upload.field, media.certificate]).to.deep.equal(['multipart', 'media', true]);
    expect(media.upload.fields).to.deep.equal({
      type: 'object',
      properties: { mch_id: { type: 'string', maxLength: 32 }, media_hash: { type: 'string' }, sign_type: { type: 'string', enum: ['HMAC-SHA256', 'MD5'] } },
      required: ['mch_id', 'media_hash'],
    });
    const v2 = op('v2/secapi/mch/addInstitutionsub');
    expect([v2.request, v2.answer, v2.host, v2.certificate]).to.deep.equal(['xml', 'xml', 'https://fraud.mch.weixin.qq.com/', true]);
    const statements = op('v3/global/statements', 'get');
    expect([statements.answer, statements.host]).to.deep.equal(['file', 'https://apihk.mch.weixin.qq.com/']);
    expect(op('global/v3/customs/orders', 'get')).to.include({ answer: 'none', status: 204 });
    expect(op('global/v3/customs/orders', 'get').query.properties.order_no).to.deep.equal({ type: 'integer' });
  });

  it('carries no prose: summaries, descriptions and examples stay behind, long labels too', () => {
    const text = JSON.stringify(facts);
    for (const prose of ['摘要', '描述', 'ignored', '这是一段很长的描述']) expect(text).to.not.include(prose);
    expect(op('v3/demo/items/{item_id}').response.properties.item_id).to.deep.equal({ type: 'string' });
    expect(report['type-fixed']).to.deep.equal(['POST v3/demo/items/{item_id} response.item_id: "string " → string']);
    expect(labelOf('商户号')).to.equal('商户号');
    expect(labelOf('商户号，必填')).to.equal(undefined);
    expect(labelOf('一二三四五六七八九十一二三四五六七八九十一二三四五')).to.equal(undefined);
  });

  it('marks the fields WeChat Pay encrypts (format base64, x-is-sensitive, list items); never APIv2\'s; the overlay unmarks and marks, counted', () => {
    const overlaid = importDocs(docs, {
      commit: 'x',
      overlay: { 'v3/demo/applyment/': { post: { 'json.id_doc_copy': { encrypted: false }, 'response.encrypt_key': { encrypted: true } } } },
    });
    const plain = op('v3/demo/applyment/');
    const fixed = overlaid.facts.operations.find((candidate) => candidate.template === 'v3/demo/applyment/') as any;
    expect(plain.body.properties.contact.properties.name.encrypted, 'format base64').to.equal(true);
    expect(plain.body.properties.contact.properties.mobile.encrypted, 'x-is-sensitive').to.equal(true);
    expect(plain.body.properties.contact.properties.email).not.to.have.property('encrypted');
    expect(plain.body.properties.insured_names.items.encrypted, 'list items').to.equal(true);
    expect(plain.query.properties.card_no.encrypted, 'query').to.equal(true);
    expect(plain.body.properties.id_doc_copy.encrypted).to.equal(true);
    expect(fixed.body.properties.id_doc_copy).not.to.have.property('encrypted');
    expect(fixed.response.properties.encrypt_key.encrypted).to.equal(true);
    expect(op('v2/secapi/mch/addInstitutionsub').body.properties.enc_true_name).not.to.have.property('encrypted');
    expect(report['encrypted-field']).to.include.members(['POST v3/demo/applyment/: json.contact.name', 'POST v3/demo/applyment/: json.insured_names[]', 'POST v3/demo/applyment/: query.card_no']);
    expect(overlaid.report['encrypted-overlay-removed']).to.deep.equal(['POST v3/demo/applyment/: json.id_doc_copy']);
    expect(overlaid.report['encrypted-overlay-added']).to.deep.equal(['POST v3/demo/applyment/: response.encrypt_key']);
    expect(() => importDocs(docs, { commit: 'x', overlay: { 'v3/demo/applyment/': { post: { 'json.business_code': { encrypted: false } } } } })).to.throw(/encrypted false changes nothing/);
  });

  it('names each operation by its summary when that is a label, a trailing API dropped, and counts kept, trimmed and left out', () => {
    expect(facts.operations.map((candidate) => [`${candidate.method} ${candidate.template}`, candidate.name])).to.deep.equal([
      ['get global/v3/customs/orders', undefined],
      ['get hk/v3/refunds', '查询退款'],
      ['post v2/secapi/mch/addInstitutionsub', undefined],
      ['post v2/secapi/mch/uploadmedia', '一二三四五六七八九十一二三四五六七八九十一二三四'],
      ['post v3/demo/applyment/', '提交申请单'],
      ['post v3/demo/items/{item_id}', undefined],
      ['post v3/demo/media/upload', '上传图片'],
      ['get v3/global/statements', '下载对账单'],
    ]);
    // The name sits beside the template, method and tree; an operation left out has no key at all.
    expect(Object.keys(op('hk/v3/refunds', 'get')).slice(0, 4)).to.deep.equal(['template', 'method', 'tree', 'name']);
    expect(op('v3/demo/items/{item_id}')).to.not.have.property('name');
    expect(names).to.deep.equal({ kept: 2, trimmed: 3, leftOut: 3 });
    // The report says which and why, never quoting the summary it left out.
    expect(report['name-left-out']).to.deep.equal([
      'GET global/v3/customs/orders: no summary',
      'POST v2/secapi/mch/addInstitutionsub: 25 characters, over 24',
      'POST v3/demo/items/{item_id}: not a label (sentence punctuation, markup or a line break)',
    ]);
    expect(nameOf('JSAPI下单API')).to.deep.equal({ name: 'JSAPI下单', trimmed: true });
    expect(nameOf('申请退款')).to.deep.equal({ name: '申请退款', trimmed: false });
    // Only a trailing API goes: one inside a name stays, and API alone names nothing.
    expect(nameOf('API证书下载')).to.deep.equal({ name: 'API证书下载', trimmed: false });
    expect(nameOf('API')).to.have.property('reason');
    expect(nameOf('查询订单。')).to.have.property('reason');
    expect(nameOf(undefined)).to.deep.equal({ reason: 'no summary' });
  });

  it('lets the overlay win over the YAML, and refuses an overlay field or operation that does not exist', () => {
    expect(op('v3/demo/applyment/').body.properties.business_code).to.deep.equal({ type: 'string', enum: ['A', 'B'] });
    expect(report['overlay-wins']).to.deep.equal(['GET global/v3/customs/orders: host https://apihk.mch.weixin.qq.com/', 'POST v3/demo/applyment/: json.business_code']);
    expect(() => importDocs(docs, { commit: 'x', overlay: { 'v3/demo/applyment/': { post: { 'json.nope': { enum: ['A'] } } } } })).to.throw(/has no field json\.nope/);
    expect(() => importDocs(docs, { commit: 'x', overlay: { 'v3/demo/applyment': { post: { host: 'https://apihk.mch.weixin.qq.com/' } }, 'hk/v3/refunds': { put: {} } } })).to.throw(/no such operation: POST v3\/demo\/applyment, PUT hk\/v3\/refunds/);
    // A host the YAML does not name (the repository's src/ gives it): an https origin and nothing else.
    expect(op('global/v3/customs/orders', 'get').host).to.equal('https://apihk.mch.weixin.qq.com/');
    expect(importDocs(docs, { commit: 'x' }).facts.operations.find((candidate) => candidate.template === 'global/v3/customs/orders')).to.not.have.property('host');
    for (const host of ['http://apihk.mch.weixin.qq.com/', 'https://apihk.mch.weixin.qq.com/global/', 'https://apihk.mch.weixin.qq.com', 42]) {
      expect(() => importDocs(docs, { commit: 'x', overlay: { 'global/v3/customs/orders': { get: { host } } } })).to.throw(/host that is not https:\/\/name\//);
    }
  });
});
