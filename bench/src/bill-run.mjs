// One download of the bench's bill to disk, by one client, in a fresh process: reports elapsed
// time and the peak RSS growth over the process's settled RSS before the download.
import { createHash } from 'node:crypto';
import { createWriteStream, rmSync } from 'node:fs';
import { get } from 'node:http';
import { createRequire } from 'node:module';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { Builder } from 'wechatpay-ts';

const require = createRequire(import.meta.url);
const { client, url, sha1, out, merchant, platform } = JSON.parse(process.argv[2]);
const token = 'bench';
const downloadUrl = `${url}v3/billdownload/file?token=${token}`;

// Both hand-written pipelines inflate in 64 KiB pieces, as wxpay.download does (zlib's default is
// 16 KiB): the floor is then the tuned one, and the comparison is between the clients only.
const gunzip = () => createGunzip({ chunkSize: 64 * 1024 });

/** The digest check a hand-written pipeline needs: SHA1 over the uncompressed bytes, compared at the end. */
const sha1Check = () => {
  const hash = createHash('sha1');
  return new Transform({
    transform(chunk, _, done) {
      hash.update(chunk);
      done(null, chunk);
    },
    flush(done) {
      done(hash.digest('hex') === sha1 ? null : new Error('digest mismatch'));
    },
  });
};

const prepare = {
  // The floor: node:http + zlib + crypto, nothing signed.
  bare: async () => () => new Promise((resolve, reject) => {
    get(downloadUrl, (res) => pipeline(res, gunzip(), sha1Check(), createWriteStream(out)).then(resolve, reject)).on('error', reject);
  }),
  'wechatpay-ts': async () => {
    const wxpay = Builder.factory({ mchid: merchant.mchid, serial: merchant.serial, privateKey: merchant.privateKey, certs: { [platform.id]: platform.publicKey }, baseURL: url });
    return async () => {
      const stream = await wxpay.download({ download_url: downloadUrl, hash_type: 'SHA1', hash_value: sha1 }, { stream: true, timeout: 0 });
      await pipeline(stream, createWriteStream(out));
    };
  },
  // It hands the raw stream over (its verifier skips /v3/billdownload/file); gunzip and digest are the user's.
  'wechatpay-axios-plugin': async () => {
    const Wechatpay = require('wechatpay-axios-plugin');
    const wxpay = new Wechatpay({ mchid: merchant.mchid, serial: merchant.serial, privateKey: merchant.privateKey, certs: { [platform.id]: platform.certificate }, baseURL: url });
    return async () => {
      const res = await wxpay.v3.billdownload.file.get({ params: { token }, responseType: 'stream' });
      await pipeline(res.data, gunzip(), sha1Check(), createWriteStream(out));
    };
  },
};

const run = await prepare[client]();
global.gc();
await new Promise((resolve) => setTimeout(resolve, 100));
const baseline = process.memoryUsage.rss();
let peak = baseline;
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage.rss());
}, 10);
const started = performance.now();
await run();
const ms = performance.now() - started;
clearInterval(sampler);
peak = Math.max(peak, process.memoryUsage.rss());
rmSync(out, { force: true });
process.send({ ms, rssGrowth: peak - baseline, baseline });
