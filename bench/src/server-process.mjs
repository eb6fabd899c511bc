// Starts src/sandbox-server.mjs in a child process and talks to it: a fresh loopback sandbox per
// segment, and the server's own CPU time, so that it is never counted as the client's.
import { fork } from 'node:child_process';

/** The loopback sandbox, in a child process, made from `keysPem` ({ merchant, platform } PKCS#8 PEM). */
export async function startServerProcess(keysPem) {
  const child = fork(new URL('./sandbox-server.mjs', import.meta.url), { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const pending = new Map();
  let next = 0;
  child.on('message', (message) => {
    const settle = pending.get(message.id);
    pending.delete(message.id);
    settle?.(message);
  });
  const ask = (message) => new Promise((resolve, reject) => {
    const id = (next += 1);
    pending.set(id, (reply) => (reply.error ? reject(new Error(reply.error)) : resolve(reply)));
    child.send({ ...message, id });
  });
  await ask({ type: 'init', keys: keysPem });
  return {
    fresh: async () => (await ask({ type: 'fresh' })).url,
    /** The server process's CPU time so far (user + system), µs. */
    cpu: async () => {
      const { cpu } = await ask({ type: 'cpu' });
      return cpu.user + cpu.system;
    },
    stop: () => ask({ type: 'exit' }),
  };
}
