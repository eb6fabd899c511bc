// The loopback sandbox in its own process, so that its RSA work (checking each request's
// signature, signing each answer) does not run on the event loop of the client being measured.
// Each `fresh` message starts a new Sandbox (same keys, so the same ids) on a new port: the
// gateway remembers every nonce for five minutes, and a fresh one keeps every segment alike.
import { Sandbox } from 'wechatpay-ts/testing';

let keys;
let current;
let leaving = false;
// A bench that crashed or was stopped takes its server with it.
process.on('disconnect', () => {
  if (!leaving) process.exit(1);
});
process.on('message', async (message) => {
  try {
    if (message.type === 'init') {
      keys = message.keys;
      process.send({ id: message.id, ok: true });
    } else if (message.type === 'fresh') {
      if (current) await current.close();
      current = await new Sandbox({ keys, mode: 'certificate' }).listen();
      process.send({ id: message.id, url: current.url });
    } else if (message.type === 'cpu') {
      process.send({ id: message.id, cpu: process.cpuUsage() });
    } else if (message.type === 'exit') {
      leaving = true;
      if (current) await current.close();
      process.send({ id: message.id, ok: true });
      process.disconnect();
    }
  } catch (error) {
    process.send({ id: message.id, error: String(error?.stack ?? error) });
  }
});
