// `npm start` runs the payment lifecycle against the sandbox: every step printed on one line,
// exit code 0, nothing on stderr, and no secret in what it prints.
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';

const ROOT = resolve(import.meta.dirname, '../..');

describe('npm start (examples/demo.ts)', () => {
  it('prints prepay → pay → callback → query → refund → refund callback → bill → tamper, one line each', async () => {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'examples/demo.ts'], { cwd: ROOT, env: { ...process.env, NODE_OPTIONS: '' } });
    expect(stderr).to.equal('');
    const steps = stdout.split('\n').filter((line) => /^\s+\d+\. /.test(line)).map((line) => line.trim().split(/\s+/)[1]);
    expect(steps).to.deep.equal(['prepay', 'pay', 'callback', 'query', 'refund', 'callback', 'bill', 'tamper']);
    expect(stdout).to.include('TRANSACTION.SUCCESS').and.include('REFUND.SUCCESS').and.include('ERR_RESPONSE_SIGNATURE');
    expect(stdout).to.match(/All 8 steps behaved as expected/);
    expect(stdout).not.to.match(/PRIVATE KEY|apiv3/i);
  });
});
