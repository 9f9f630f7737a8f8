// Alerting and recording rules (PrometheusRule) checked the way Prometheus will read them:
// each expression parsed by the Prometheus project's own PromQL grammar (@prometheus-io/lezer-promql,
// the parser behind the Prometheus UI's editor), and each alert carrying what routing and the
// chat message need — a `severity` label Alertmanager routes on and a `summary` annotation.
// A rule that does not parse makes the operator's admission webhook refuse the whole object
// (or, without the webhook, Prometheus drop the whole rule file): nothing of it would alert.
import { loadModule } from '../load-on-use.ts';
import type { BundleItem } from './index.ts';
import type { Context } from './context.ts';
import { asArray, asObject, asString, isObject, type JsonObject } from './json.ts';

// Loaded on first use (render/load-on-use.ts).
let promqlParser: typeof import('@prometheus-io/lezer-promql').parser | undefined;

/** Severities Alertmanager routes on (platform/prometheus.ts): anything else is a typo. */
export const ALERT_SEVERITIES: readonly string[] = ['critical', 'warning', 'info'];

export interface PromqlProblem {
  /** Offset in the expression where the parser gave up. */
  at: number;
  message: string;
}

export interface ParsedPromql {
  problems: PromqlProblem[];
  /** Metric names the expression selects (sorted, unique). */
  metrics: string[];
}

/** Parses a PromQL expression; lists syntax errors and the metric names it reads. */
export function parsePromql(expr: string): ParsedPromql {
  const problems: PromqlProblem[] = [];
  const metrics = new Set<string>();
  if (expr.trim() === '') return { problems: [{ at: 0, message: 'empty expression' }], metrics: [] };
  promqlParser ??= (loadModule('@prometheus-io/lezer-promql') as typeof import('@prometheus-io/lezer-promql')).parser;
  const tree = promqlParser.parse(expr);
  tree.iterate({
    enter(node) {
      if (node.type.isError) {
        problems.push({ at: node.from, message: `syntax error at offset ${node.from}: ${excerpt(expr, node.from)}` });
        return false;
      }
      if (node.name === 'VectorSelector') {
        const id = node.node.getChild('Identifier');
        if (id) metrics.add(expr.slice(id.from, id.to));
      }
      // `{__name__="x"}` selects by name too.
      if (node.name === 'UnquotedLabelMatcher') {
        const label = node.node.getChild('LabelName');
        const value = node.node.getChild('StringLiteral');
        const op = node.node.getChild('MatchOp');
        if (label && value && op && expr.slice(label.from, label.to) === '__name__' && expr.slice(op.from, op.to) === '=') {
          metrics.add(expr.slice(value.from + 1, value.to - 1));
        }
      }
      return undefined;
    },
  });
  return { problems, metrics: [...metrics].sort() };
}

function excerpt(expr: string, at: number): string {
  const start = Math.max(0, at - 20);
  return `${start > 0 ? '…' : ''}${expr.slice(start, at)}⟨here⟩${expr.slice(at, at + 20)}${at + 20 < expr.length ? '…' : ''}`;
}

/** The rules of a monitoring.coreos.com PrometheusRule: expressions parse, alerts are routable. */
export function checkPrometheusRule(ctx: Context, item: BundleItem, o: JsonObject): void {
  const spec = asObject(o.spec);
  asArray(spec?.groups).forEach((g, gi) => {
    asArray(asObject(g)?.rules).forEach((r, ri) => {
      const rule = asObject(r);
      if (!rule) return;
      const path = `spec.groups[${gi}].rules[${ri}]`;
      const expr = rule.expr;
      const text = typeof expr === 'number' ? String(expr) : asString(expr);
      if (text === undefined) {
        ctx.report(item, 'schema/promql', `${path}.expr`, 'expr is missing: every rule needs a PromQL expression');
      } else {
        for (const p of parsePromql(text).problems) ctx.report(item, 'schema/promql', `${path}.expr`, `PromQL does not parse: ${p.message}`);
      }
      const alert = asString(rule.alert);
      if (alert === undefined) return;
      const severity = isObject(rule.labels) ? rule.labels.severity : undefined;
      if (typeof severity !== 'string' || !ALERT_SEVERITIES.includes(severity)) {
        ctx.report(item, 'schema/alert-metadata', `${path}.labels.severity`,
          `alert ${alert} needs a severity label (${ALERT_SEVERITIES.join(', ')}): Alertmanager routes on it` +
          (typeof severity === 'string' ? `; got "${severity}"` : ''));
      }
      const summary = isObject(rule.annotations) ? rule.annotations.summary : undefined;
      if (typeof summary !== 'string' || summary.trim() === '') {
        ctx.report(item, 'schema/alert-metadata', `${path}.annotations.summary`, `alert ${alert} needs a summary annotation: it is the line the chat message shows`);
      }
    });
  });
}
