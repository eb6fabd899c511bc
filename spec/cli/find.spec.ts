import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { main, USAGE } from '../../lib/cli.js';
import { FIND_USAGE, findOperations } from '../../lib/cli/find.js';
import { NAMES } from '../../lib/endpoints/names.js';

const ROOT = resolve(import.meta.dirname, '..', '..');

async function run(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (text) => { stdout += text; }, stderr: (text) => { stderr += text; }, env: {} });
  return { code, stdout, stderr };
}

/** The `METHOD template` of each block `wxpay find` printed, in order. */
const listed = (stdout: string) => [...stdout.matchAll(/^(?:.+ · )?(GET|POST|PUT|PATCH|DELETE) (\S+)$/gm)].map((match) => `${match[1]} ${match[2]}`);

describe('wxpay find', () => {
  it('finds an operation by the name WeChat Pay gives it: name, method, template, chained spelling', async () => {
    const { code, stdout, stderr } = await run(['find', '申请退款']);
    expect({ code, stderr }).to.deep.equal({ code: 0, stderr: '' });
    expect(stdout.startsWith('申请退款 · POST v3/refund/domestic/refunds\n  wxpay.v3.refund.domestic.refunds.post\n')).to.equal(true, stdout);
  });

  it('lists best matches first: the whole name, APIv3 on the default host first, then names that hold the words', async () => {
    const { stdout } = await run(['find', '申请退款']);
    expect(listed(stdout).slice(0, 6)).to.deep.equal([
      'POST v3/refund/domestic/refunds',
      'POST hk/v3/refunds',
      'POST v3/global/refunds',
      'POST v2/sandboxnew/pay/refund',
      'POST v2/secapi/pay/refund',
      'POST v2/deposit/refund',
    ]);
    expect(stdout).to.include('申请退款（押金） · POST v2/deposit/refund');
    // The words in another order (退款申请): the operation so named first, the ones named 申请退款 next.
    expect(listed((await run(['find', '退款申请'])).stdout).slice(0, 2)).to.deep.equal(['POST v3/ecommerce/refunds/apply', 'POST v3/refund/domestic/refunds']);
  });

  it('takes English input: template words and segments, any case, every word required', async () => {
    expect(listed((await run(['find', 'JSAPI'])).stdout)).to.include('POST v3/pay/transactions/jsapi');
    expect(listed((await run(['find', 'refund', 'domestic'])).stdout)).to.deep.equal([
      'POST v3/refund/domestic/refunds',
      'GET v3/refund/domestic/refunds/{out_refund_no}',
      'POST v3/refund/domestic/refunds/{refund_id}/apply-abnormal-refund',
    ]);
    expect(listed((await run(['find', '/v3/bill/tradebill'])).stdout)[0]).to.equal('GET v3/bill/tradebill');
    // A word given with a method narrows to that method.
    expect(listed((await run(['find', 'coupons', 'post', 'marketing/favor/users'])).stdout)).to.deep.equal(['POST v3/marketing/favor/users/{openid}/coupons']);
    // Full-width brackets and ASCII ones read alike.
    expect(listed((await run(['find', '申请退款(押金)'])).stdout)[0]).to.equal('POST v2/deposit/refund');
  });

  it('says the host when it is not the default one, and chain() where no chained spelling exists', async () => {
    const customs = (await run(['find', '报关查询'])).stdout;
    expect(customs).to.include('报关查询 · GET global/v3/customs/orders\n  wxpay.global.v3.customs.orders.get\n  host https://apihk.mch.weixin.qq.com/\n');
    expect((await run(['find', '申请交易账单'])).stdout).to.equal('申请交易账单 · GET v3/bill/tradebill\n  wxpay.v3.bill.tradebill.get\n');
    expect((await run(['find', 'addInstitutionsub'])).stdout).to.equal("进件子商户 · POST v2/secapi/mch/addInstitutionsub\n  wxpay.chain('v2/secapi/mch/addInstitutionsub').post\n");
    expect((await run(['find', 'v2/risk/getpublickey'])).stdout).to.match(/^\S+ · POST v2\/risk\/getpublickey\n {2}wxpay\.v2\.risk\.getpublickey\.post\n {2}host https:\/\/fraud\.mch\.weixin\.qq\.com\/\n$/);
    // The one operation whose summary is no label has no name: method and template only.
    expect((await run(['find', 'addsubdevconfig'])).stdout).to.equal('POST v2/secapi/mch/addsubdevconfig\n  wxpay.v2.secapi.mch.addsubdevconfig.post\n');
  });

  it('--json: an array for scripts, null where there is no name, chained spelling or other host', async () => {
    const { code, stdout } = await run(['find', '--json', '申请退款']);
    expect(code).to.equal(0);
    const found = JSON.parse(stdout) as Record<string, unknown>[];
    expect(found[0]).to.deep.equal({ name: '申请退款', method: 'POST', template: 'v3/refund/domestic/refunds', chained: 'wxpay.v3.refund.domestic.refunds', host: null });
    expect(found.find((op) => op.template === 'v3/global/refunds')).to.deep.include({ host: 'https://apihk.mch.weixin.qq.com/' });
    expect(JSON.parse((await run(['find', 'addsubdevconfig', '--json'])).stdout)).to.deep.equal([{ name: null, method: 'POST', template: 'v2/secapi/mch/addsubdevconfig', chained: 'wxpay.v2.secapi.mch.addsubdevconfig', host: null }]);
    expect(JSON.parse((await run(['find', '--json', 'addInstitutionsub'])).stdout)[0]).to.deep.include({ chained: null });
  });

  it('no match: says so on stderr and exits 1, the query not repeated; --json prints []', async () => {
    const word = 'no-such-operation-5f3a';
    const text = await run(['find', word]);
    expect(text).to.deep.equal({ code: 1, stdout: '', stderr: 'wxpay find: no operation matches (没有匹配的接口)\n' });
    expect(await run(['find', '--json', word])).to.deep.equal({ code: 1, stdout: '[]\n', stderr: 'wxpay find: no operation matches (没有匹配的接口)\n' });
    // Every word must match: a name and a template word of two different operations find nothing.
    expect((await run(['find', '申请交易账单', 'refunds'])).code).to.equal(1);
  });

  it('finds every named operation by its own name among the first of that name', () => {
    const fold = (text: string) => text.normalize('NFKC').toLowerCase();
    const named = NAMES.filter((op) => op.name !== undefined);
    expect(named.length).to.equal(1153);
    for (const op of named) {
      const same = named.filter((other) => fold(other.name!) === fold(op.name!)).length;
      const at = findOperations([op.name!]).findIndex((found) => found.template === op.template && found.method === op.method.toUpperCase());
      expect(at, `${op.method} ${op.template} (${op.name})`).to.be.within(0, same - 1);
    }
  });

  it('refuses a command line without words (exit 2), and prints its usage with --help and in wxpay --help', async () => {
    for (const argv of [['find'], ['find', ' '], ['find', '--jsn', 'x']]) {
      const { code, stderr } = await run(argv);
      expect(code, argv.join(' ')).to.equal(2);
      expect(stderr).to.include(FIND_USAGE);
    }
    expect(await run(['find', '--help'])).to.deep.equal({ code: 0, stdout: FIND_USAGE, stderr: '' });
    expect(USAGE).to.include('Usage: wxpay find WORDS… [--json]');
  });

  it('runs as a child process: exit code 1 when nothing matches, 0 with matches on stdout', async () => {
    const child = (args: string[]) => promisify(execFile)(process.execPath, ['--import', 'tsx', 'spec/support/wxpay.ts', 'find', ...args], { cwd: ROOT, env: { ...process.env, NODE_OPTIONS: '' } });
    expect((await child(['发起转账'])).stdout).to.include('发起转账 · POST v3/fund-app/mch-transfer/transfer-bills\n');
    const failed = await child(['no-such-operation-5f3a']).then(() => undefined, (error: { code?: number; stderr?: string }) => error);
    expect(failed).to.deep.include({ code: 1, stderr: 'wxpay find: no operation matches (没有匹配的接口)\n' });
  });
});
