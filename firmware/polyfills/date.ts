/**
 * `Date.UTC`, which Espruino lacks (2v29, measured: calling it throws
 * `Function "UTC" not found!`). Counts days with the proleptic Gregorian
 * calendar, years starting in March so that the leap day comes last.
 */
const DAY_MS = 86400000;

/** Days from 1970-01-01 to the given day; `month` is 0-11. */
function daysSinceEpoch(year: number, month: number, day: number): number {
  const y = month < 2 ? year - 1 : year;
  const fromMarch = (month + 10) % 12;
  const leapDays =
    Math.floor(y / 4) - Math.floor(y / 100) + Math.floor(y / 400);
  const dayOfYear = Math.floor((153 * fromMarch + 2) / 5) + day - 1;
  // 719468 is the day count of this formula for 1970-01-01.
  return 365 * y + leapDays + dayOfYear - 719468;
}

function whole(value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  return n < 0 ? Math.ceil(n) : Math.floor(n);
}

export function dateUtc(
  year: number,
  month?: number,
  day?: number,
  hours?: number,
  minutes?: number,
  seconds?: number,
  ms?: number,
): number {
  let y = whole(year, NaN);
  if (y >= 0 && y <= 99) y += 1900;
  const m = whole(month, 0);
  const yearsCarried = Math.floor(m / 12);
  const days = daysSinceEpoch(y + yearsCarried, m - 12 * yearsCarried, 1);
  const time =
    ((whole(hours, 0) * 60 + whole(minutes, 0)) * 60 + whole(seconds, 0)) *
      1000 +
    whole(ms, 0);
  return (days + whole(day, 1) - 1) * DAY_MS + time;
}
