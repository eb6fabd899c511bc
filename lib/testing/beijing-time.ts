/**
 * The sandbox's clock faces: WeChat Pay writes every time in Beijing time (UTC+8, no daylight
 * saving), in one of three forms depending on the API.
 */
const beijing = (date: Date) => new Date(date.getTime() + 8 * 3600_000).toISOString().slice(0, 19);

/** `2024-05-20T10:00:00+08:00`: the RFC 3339 form, in Beijing time, that APIv3 writes. */
export function beijingTime(date: Date): string {
  return `${beijing(date)}+08:00`;
}

/** `2024-05-20 10:00:00`: the form of APIv2's bills and refund times. */
export function beijingClock(date: Date): string {
  return beijing(date).replace('T', ' ');
}

/** `20240520100000`: APIv2's `time_end` and `time_start`, and the sandbox's order numbers. */
export function beijingCompact(date: Date): string {
  return beijing(date).replace(/\D/g, '');
}
