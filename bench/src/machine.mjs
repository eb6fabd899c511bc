import { execFileSync } from 'node:child_process';
import os from 'node:os';

function git(...args) {
  try {
    return execFileSync('git', args, { cwd: new URL('..', import.meta.url), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

/** Facts about the machine and the code measured, printed with the results. */
export function machine() {
  const cpus = os.cpus();
  return {
    node: process.versions.node,
    v8: process.versions.v8,
    openssl: process.versions.openssl,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    availableParallelism: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    uvThreadpoolSize: process.env.UV_THREADPOOL_SIZE ?? '4 (default)',
    commit: git('rev-parse', '--short', 'HEAD'),
    libChanged: git('status', '--porcelain', '--', ':/lib') ? 'yes (uncommitted changes in lib/)' : 'no',
  };
}
