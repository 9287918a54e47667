// The reader's time zone: times are rendered on the server in it (see docs/moderator-console.md for how it is chosen).

const formatters = new Map<string, Intl.DateTimeFormat>();

export const TIME_ZONE_COOKIE = "baton_tz";
export const TIME_ZONE_CHOSEN_COOKIE = "baton_tz_chosen";

/** An IANA zone Node knows ("Europe/Paris", "UTC"), canonical; undefined for anything else. */
export function validTimeZone(value: string | undefined): string | undefined {
  if (value === undefined || value.length > 64 || !/^[A-Za-z0-9_+\-/]+$/.test(value)) return undefined;
  try {
    return new Intl.DateTimeFormat("en-GB", { timeZone: value }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** "2 Dec 2026, 14:05" in the zone. */
export function formatTime(ms: number, timeZone: string): string {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat("en-GB", { timeZone, dateStyle: "medium", timeStyle: "short" });
    formatters.set(timeZone, formatter);
  }
  return formatter.format(new Date(ms));
}

/** Milliseconds to add to UTC to get the zone's wall-clock time at that instant. */
function offsetAt(ms: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(ms));
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  return wall - Math.floor(ms / 1000) * 1000;
}

/** The instant a day ("2026-12-02") starts in the zone; undefined if it is no date. */
export function startOfDay(day: string, timeZone: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (match === null) return undefined;
  const wall = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  if (Number.isNaN(wall)) return undefined;
  // Twice: the offset at the first guess may differ from the offset at the result across a DST change.
  const first = wall - offsetAt(wall, timeZone);
  return wall - offsetAt(first, timeZone);
}
