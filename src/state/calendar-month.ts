/** The monthly budget's period: the calendar month in UTC. */

/** The calendar month (UTC) of an instant, as `YYYY-MM`: the budget's period. */
export function monthOf(at: number): string {
  return new Date(at).toISOString().slice(0, 7);
}

/** Epoch ms of the first instant of the next calendar month (UTC): when a monthly budget starts over. */
export function nextMonthStart(at: number): number {
  const date = new Date(at);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
}

/** Month counters are kept this long past their month, so a report around midnight still finds them. */
export const MONTH_GRACE_MS = 7 * 24 * 3_600_000;
