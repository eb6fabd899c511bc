// The download bench's server, in its own process: serves the gzipped bill at
// GET /v3/billdownload/file on 127.0.0.1, unsigned, as WeChat Pay does. It does not check request
// signatures (the specs do); it only streams the file from disk.
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';

const file = process.argv[2];
const size = statSync(file).size;
const server = createServer((req, res) => {
  if (!req.url.startsWith('/v3/billdownload/file?')) return res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"code":"NOT_FOUND","message":"no"}');
  res.writeHead(200, { 'Content-Type': 'application/x-gzip', 'Content-Length': String(size) });
  createReadStream(file, { highWaterMark: 256 * 1024 }).pipe(res);
});
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
process.on('disconnect', () => process.exit(0));
