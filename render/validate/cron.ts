// CronJob schedules and time zones as the API server checks them: robfig/cron v3's
// ParseStandard (five fields, or a descriptor), no TZ in the schedule since 1.27 (spec.timeZone
// replaces it), and a time zone Go's time.LoadLocation can load.
import type { Reason } from './formats.ts';

interface Bounds {
  name: string;
  min: number;
  max: number;
  names?: Readonly<Record<string, number>>;
}

const MONTHS = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 };
const DAYS = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };

const FIELDS: readonly Bounds[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS },
  // robfig/cron has no 7 for Sunday, unlike Vixie cron.
  { name: 'day of week', min: 0, max: 6, names: DAYS },
];

const DESCRIPTORS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);
/** Go's time.ParseDuration: a sequence of decimal numbers with units, optionally signed. */
const GO_DURATION = /^[-+]?(0|((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+)$/;
/** Go's strconv.Atoi on what the parser passes it (signs allowed, negatives rejected after). */
const GO_INT = /^[-+]?\d+$/;

export function cronScheduleProblem(schedule: string): Reason {
  // The API server rejects any "TZ" (TZ=…, CRON_TZ=…) before the parser would accept it.
  if (schedule.includes('TZ')) return 'cannot use TZ or CRON_TZ in the schedule: set spec.timeZone instead';
  if (schedule.length === 0) return 'is empty';
  if (schedule.startsWith('@')) {
    if (DESCRIPTORS.has(schedule)) return undefined;
    if (schedule.startsWith('@every ')) {
      const d = schedule.slice('@every '.length);
      return GO_DURATION.test(d) ? undefined : `"${d}" after @every is not a Go duration such as 90s, 5m or 1h30m`;
    }
    return `unrecognised descriptor "${schedule}" (known: ${[...DESCRIPTORS].join(', ')}, @every <duration>)`;
  }
  const fields = schedule.split(/\s+/).filter((f) => f !== '');
  if (fields.length !== 5) {
    return `needs exactly 5 fields (minute hour day-of-month month day-of-week), found ${fields.length}`;
  }
  for (let i = 0; i < 5; i++) {
    // Go's strings.FieldsFunc drops empty list entries: "1,,2" parses.
    for (const expr of fields[i].split(',').filter((e) => e !== '')) {
      const r = rangeProblem(expr, FIELDS[i]);
      if (r) return `${FIELDS[i].name} field "${fields[i]}": ${r}`;
    }
  }
  return undefined;
}

function rangeProblem(expr: string, b: Bounds): Reason {
  const rangeAndStep = expr.split('/');
  if (rangeAndStep.length > 2) return `too many slashes in "${expr}"`;
  const lowAndHigh = rangeAndStep[0].split('-');
  let start: number | string;
  let end: number | string;
  if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
    start = b.min;
    end = b.max;
  } else {
    if (lowAndHigh.length > 2) return `too many hyphens in "${expr}"`;
    start = intOrName(lowAndHigh[0], b);
    if (typeof start === 'string') return start;
    end = lowAndHigh.length === 2 ? intOrName(lowAndHigh[1], b) : start;
    if (typeof end === 'string') return end;
  }
  let step = 1;
  if (rangeAndStep.length === 2) {
    const s = parseInt(rangeAndStep[1]);
    if (typeof s === 'string') return s;
    step = s;
    // "N/step" means "N-max/step".
    if (lowAndHigh.length === 1) end = b.max;
  }
  if (start < b.min) return `${start} is below the minimum ${b.min}`;
  if (end > b.max) return `${end} is above the maximum ${b.max}`;
  if (start > end) return `range start ${start} is beyond its end ${end}`;
  if (step === 0) return `the step in "${expr}" must be a positive number`;
  return undefined;
}

function intOrName(s: string, b: Bounds): number | string {
  const named = b.names?.[s.toLowerCase()];
  if (named !== undefined) return named;
  if (b.names && /^[a-z]+$/i.test(s)) return `"${s}" is not a ${b.name} name (${Object.keys(b.names).join(', ')}) or number`;
  return parseInt(s);
}

function parseInt(s: string): number | string {
  if (!GO_INT.test(s)) return `"${s}" is not a number`;
  const n = Number(s);
  if (n < 0) return `negative number ${n} is not allowed`;
  return n;
}

/** One segment of a zone name as Go's time.LoadLocation and the API server accept it. */
const ZONE_PART = /^[A-Za-z.\-_0-9+]{1,14}$/;
const zoneCache = new Map<string, Reason>();
let canonicalZones: ReadonlySet<string> | undefined;

export function timeZoneProblem(tz: string): Reason {
  let r = zoneCache.get(tz);
  if (!zoneCache.has(tz)) {
    r = zoneProblem(tz);
    zoneCache.set(tz, r);
  }
  return r;
}

function zoneProblem(tz: string): Reason {
  if (tz === '') return 'must be unset or an IANA time zone name such as Europe/Paris';
  if (tz.toLowerCase() === 'local') return 'must be an explicit IANA time zone such as Europe/Paris, not Local';
  for (const part of tz.split('/')) {
    if (part === '.' || part === '..' || part.startsWith('-') || !ZONE_PART.test(part)) {
      return `"${tz}" is not an IANA time zone name such as Europe/Paris or UTC`;
    }
  }
  // A canonical name is valid as it is (Intl would resolve it to itself); the list costs ~2 ms,
  // a first DateTimeFormat with a zone ~15 ms, so the latter is left to aliases and mistakes.
  canonicalZones ??= new Set(Intl.supportedValuesOf('timeZone'));
  if (canonicalZones.has(tz)) return undefined;
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en', { timeZone: tz }).resolvedOptions().timeZone;
  } catch {
    return `unknown time zone "${tz}" (not in the IANA database: e.g. Europe/Paris, America/New_York, UTC)`;
  }
  // Intl ignores case; Go reads the zoneinfo file by its exact name.
  if (resolved !== tz && resolved.toLowerCase() === tz.toLowerCase()) return `unknown time zone "${tz}": names are case-sensitive, write ${resolved}`;
  return undefined;
}
