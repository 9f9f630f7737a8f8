// Alert rules as typed values: every alert is built with the severity Alertmanager routes on and
// the summary the chat message shows (the validator holds rendered rules to the same:
// schema/alert-metadata), and lands in a monitoring.coreos.com PrometheusRule.
import { PrometheusRule } from './kinds.ts';
import { RenderError, type StringMap } from '../render/types.ts';

export type Severity = 'critical' | 'warning' | 'info';

export interface Alert {
  /** CamelCase name, as Prometheus' own rules spell them: `NodeNotReady`. */
  alert: string;
  expr: string;
  /** How long the condition must hold before the alert fires, e.g. `5m`. */
  for?: string;
  severity: Severity;
  /** One line; may use `{{ $labels.x }}` and `{{ $value }}`. */
  summary: string;
  description?: string;
  labels?: StringMap;
}

export interface AlertGroup {
  name: string;
  rules: readonly Alert[];
}

export function prometheusRule(name: string, groups: readonly AlertGroup[], labels: StringMap = {}): PrometheusRule {
  return new PrometheusRule({
    metadata: { name, ...(Object.keys(labels).length ? { labels } : {}) },
    spec: {
      groups: groups.map((g) => ({
        name: g.name,
        rules: g.rules.map((a) => ({
          alert: a.alert,
          expr: a.expr,
          ...(a.for ? { for: a.for } : {}),
          labels: { ...a.labels, severity: a.severity },
          annotations: { summary: a.summary, ...(a.description ? { description: a.description } : {}) },
        })),
      })),
    },
  });
}

/** A backup that runs on a schedule, whatever runs it. */
export interface BackupSchedule {
  /** Namespace of the CronJob (or Velero Schedule). */
  namespace: string;
  /** 5-field cron expression as the CronJob / Velero Schedule has it. */
  schedule: string;
  /** What records the last success. */
  source: { kind: 'cronjob'; name: string } | { kind: 'velero'; name: string };
  /**
   * Slack after the next run is due before the backup counts as late: the job's own deadline
   * (startingDeadlineSeconds + activeDeadlineSeconds for our CronJobs).
   */
  graceSeconds: number;
}

/**
 * "The newest successful backup is older than the schedule allows": the longest gap between two
 * runs of the schedule plus the grace. Also fires when no run ever succeeded once the schedule
 * has existed that long (a CronJob that fails from the first night on never gets the metric).
 */
export function backupFreshnessAlerts(backups: readonly BackupSchedule[]): Alert[] {
  return backups.map((b) => {
    const maxAge = cronPeriodSeconds(b.schedule, { namespace: b.namespace, name: b.source.name }) + b.graceSeconds;
    const hours = Math.round((maxAge / 3600) * 10) / 10;
    if (b.source.kind === 'cronjob') {
      const sel = `{namespace="${b.namespace}",cronjob="${b.source.name}"}`;
      return {
        alert: 'BackupTooOld',
        expr:
          `time() - kube_cronjob_status_last_successful_time${sel} > ${maxAge}` +
          ` or (time() - kube_cronjob_created${sel} > ${maxAge} unless on (namespace, cronjob) kube_cronjob_status_last_successful_time${sel})`,
        for: '10m',
        severity: 'critical',
        summary: `Backup ${b.namespace}/${b.source.name} has not succeeded for more than ${hours}h (schedule "${b.schedule}")`,
        description: `kubectl -n ${b.namespace} get jobs -l app.kubernetes.io/component=backup; kubectl -n ${b.namespace} logs job/<latest>`,
        labels: { backup: `${b.namespace}/${b.source.name}` },
      } satisfies Alert;
    }
    return {
      alert: 'BackupTooOld',
      expr: `time() - velero_backup_last_successful_timestamp{schedule="${b.source.name}"} > ${maxAge}`,
      for: '10m',
      severity: 'critical',
      summary: `Velero schedule ${b.source.name} has not completed a backup for more than ${hours}h (schedule "${b.schedule}")`,
      description: `velero backup get --selector velero.io/schedule-name=${b.source.name}`,
      labels: { backup: `velero/${b.source.name}` },
    } satisfies Alert;
  });
}

const DESCRIPTORS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/**
 * The longest gap, in seconds, between two consecutive runs of a 5-field cron schedule, found by
 * walking the runs over four years (leap days and 31st-of-month schedules included). Wall-clock
 * time: a daylight-saving shift moves a run by an hour, which the caller's grace absorbs.
 */
export function cronPeriodSeconds(schedule: string, where: { namespace: string; name: string }): number {
  const expanded = DESCRIPTORS[schedule.trim()] ?? schedule.trim();
  // The same few schedules recur in every environment; four years of days each is worth keeping.
  const known = periods.get(expanded);
  if (known !== undefined) return known;
  const fields = expanded.split(/\s+/);
  const fail = (why: string): never => {
    throw new RenderError({ resource: `${where.namespace}/${where.name}`, field: 'schedule' }, `cannot derive a backup period from "${schedule}": ${why}`);
  };
  if (fields.length !== 5) fail('expected 5 cron fields');
  const [min, hour, dom, mon, dow] = fields;
  const minutes = cronField(min, 0, 59, [], fail);
  const hours = cronField(hour, 0, 23, [], fail);
  const doms = cronField(dom, 1, 31, [], fail);
  const months = cronField(mon, 1, 12, MONTHS, fail);
  const dows = cronField(dow.replace(/\b7\b/g, '0'), 0, 6, DAYS, fail);
  const domStar = dom === '*' || dom === '?';
  const dowStar = dow === '*' || dow === '?';
  const times: number[] = [];
  for (const h of [...hours].sort((a, b) => a - b)) for (const m of [...minutes].sort((a, b) => a - b)) times.push(h * 3600 + m * 60);
  // 2024-01-01 (a Monday) for 4 years + 1 day, in UTC to count days evenly.
  const start = Date.UTC(2024, 0, 1) / 1000;
  let previous: number | undefined;
  let longest = 0;
  for (let day = 0; day < 4 * 366; day++) {
    const t = start + day * 86400;
    const d = new Date(t * 1000);
    if (!months.has(d.getUTCMonth() + 1)) continue;
    const domOk = doms.has(d.getUTCDate());
    const dowOk = dows.has(d.getUTCDay());
    // cron: with both day fields restricted, either one matching is enough.
    const dayOk = domStar && dowStar ? true : domStar ? dowOk : dowStar ? domOk : domOk || dowOk;
    if (!dayOk) continue;
    for (const s of times) {
      if (previous !== undefined) longest = Math.max(longest, t + s - previous);
      previous = t + s;
    }
  }
  if (longest === 0) fail('it runs fewer than twice in four years');
  periods.set(expanded, longest);
  return longest;
}

const periods = new Map<string, number>();

function cronField(expr: string, lo: number, hi: number, names: readonly string[], fail: (why: string) => never): Set<number> {
  const out = new Set<number>();
  const value = (s: string): number => {
    const named = names.indexOf(s.toLowerCase());
    const n = named >= 0 ? named + (lo === 1 ? 1 : 0) : Number(s);
    if (!Number.isInteger(n) || n < lo || n > hi) fail(`"${s}" is not in ${lo}-${hi}`);
    return n;
  };
  for (const part of expr.split(',')) {
    const [range, stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) fail(`bad step in "${part}"`);
    let from = lo;
    let to = hi;
    if (range !== '*' && range !== '?') {
      const [a, b] = range.split('-');
      from = value(a);
      to = b === undefined ? (stepText === undefined ? from : hi) : value(b);
    }
    for (let v = from; v <= to; v += step) out.add(v);
  }
  return out;
}
