/**
 * Download progress for the `wxpay` commands: one redrawn line on a terminal (bytes, rate, ETA),
 * plain lines now and then otherwise, so that logs stay readable.
 */

/** Where progress goes, and whether it is a terminal. */
export interface ProgressSink {
  write(text: string): void;
  isTTY: boolean;
}

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

/** `1536` → `1.5 KB`. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${UNITS[unit]}`;
}

function formatSeconds(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** A progress reporter: `update(received, total)` as bytes arrive, `finish()` once done. */
export function progress(sink: ProgressSink, now: () => number = Date.now) {
  const started = now();
  let last = started;
  let shown = false;
  const line = (received: number, total: number | undefined) => {
    const elapsed = Math.max(1, now() - started) / 1000;
    const rate = received / elapsed;
    const size = total ? `${formatBytes(received)} / ${formatBytes(total)}` : formatBytes(received);
    const eta = total && rate > 0 ? `  ETA ${formatSeconds((total - received) / rate)}` : '';
    return `${size}  ${formatBytes(rate)}/s${eta}`;
  };
  return {
    update(received: number, total: number | undefined): void {
      const at = now();
      // A terminal redraws ten times a second; a log gets a line every five seconds.
      if (at - last < (sink.isTTY ? 100 : 5000)) return;
      last = at;
      shown = true;
      sink.write(sink.isTTY ? `\r\x1b[2K${line(received, total)}` : `${line(received, total)}\n`);
    },
    finish(received: number, total: number | undefined): void {
      if (sink.isTTY) sink.write(`\r\x1b[2K${line(received, total)}\n`);
      else if (shown) sink.write(`${line(received, total)}\n`);
    },
  };
}
