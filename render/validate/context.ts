// Where findings are collected: severity from the rule catalogue (policy rules follow
// `strictPolicy`), identity from the object, and per-object policy opt-outs applied.
import type { BundleItem, Finding, ValidateOptions } from './index.ts';
import { RULES_BY_ID } from './rules.ts';
import { asString, isObject } from './json.ts';
import { parseOptOuts } from './opt-out.ts';

export class Context {
  readonly options: ValidateOptions;
  readonly findings: Finding[] = [];
  /** Objects referenced but absent from an open bundle, with how many references name each. */
  readonly outside = new Map<string, number>();
  private readonly optOuts = new Map<BundleItem, ReadonlySet<string>>();

  constructor(options: ValidateOptions) {
    this.options = options;
  }

  /** Reads the item's opt-out annotation once, reporting malformed entries. */
  prepare(item: BundleItem): void {
    const { rules, problems } = parseOptOuts(item.object);
    if (rules.size) this.optOuts.set(item, rules);
    for (const p of problems) this.report(item, 'policy/opt-out', p.path, p.message);
  }

  /**
   * A reference to something neither the bundle nor the inventory holds. In a closed bundle (what
   * render and check validate: a whole environment) it is the rule's finding; in an open one (a
   * few files given to `npm run validate`) the object may well live in files not given, so it
   * only counts towards the one `ref/outside-bundle` note.
   */
  missing(item: BundleItem, rule: string, path: string, message: string, target: string): void {
    if (this.options.closed === false) this.outside.set(target, (this.outside.get(target) ?? 0) + 1);
    else this.report(item, rule, path, message);
  }

  report(item: BundleItem, rule: string, path: string, message: string): void {
    const def = RULES_BY_ID.get(rule);
    if (!def) throw new Error(`validator bug: rule ${rule} is not in the catalogue`);
    const isPolicy = def.layer === 'policy' && rule !== 'policy/opt-out';
    if (isPolicy && this.optOuts.get(item)?.has(rule)) return;
    const severity = isPolicy ? (this.options.strictPolicy ? 'error' : 'warning') : def.severity;
    const o = item.object as unknown;
    const meta = isObject(o) && isObject(o.metadata) ? o.metadata : undefined;
    const finding: Finding = { rule, severity, message, path };
    const apiVersion = isObject(o) ? asString(o.apiVersion) : undefined;
    const kind = isObject(o) ? asString(o.kind) : undefined;
    const namespace = meta ? asString(meta.namespace) : undefined;
    const name = meta ? asString(meta.name) : undefined;
    if (apiVersion !== undefined) finding.apiVersion = apiVersion;
    if (kind !== undefined) finding.kind = kind;
    if (namespace !== undefined) finding.namespace = namespace;
    if (name !== undefined) finding.name = name;
    if (item.file !== undefined) finding.file = item.file;
    if (item.line !== undefined) finding.line = item.line;
    if (item.env !== undefined) finding.env = item.env;
    if (item.component !== undefined) finding.component = item.component;
    this.findings.push(finding);
  }
}
