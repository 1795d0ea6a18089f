/**
 * A reporter that tells at most once per interval: a dependency that stays
 * away (Redis during an outage) would otherwise write a line per failed call.
 */
export function throttled(report: (message: string) => void, intervalMs = 30_000): (message: string) => void {
  let last = -Infinity;
  return (message: string) => {
    const now = Date.now();
    if (now - last < intervalMs) return;
    last = now;
    report(message);
  };
}
