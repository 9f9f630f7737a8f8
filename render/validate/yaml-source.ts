// Reading manifests as Argo CD and kubectl read them: YAML 1.1 scalars (unquoted `on`, `yes`,
// `n` are booleans, `0644` is octal), duplicate keys are errors. Documents become bundle
// items carrying file and line; a `kind: List` or a top-level array contributes its items.
import { isPair, isScalar, isSeq, LineCounter, parseAllDocuments, visit, type Document, type Node } from 'yaml';
import type { KubeObject } from '../types.ts';
import type { BundleItem, Finding } from './index.ts';
import { RULES_BY_ID } from './rules.ts';
import { isObject, joinPath, pathSegments } from './json.ts';

/** Scalars that YAML 1.1 (go-yaml v2, sigs.k8s.io/yaml) reads as booleans but YAML 1.2 as strings. */
const YAML11_ONLY_BOOLEANS = /^(y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$/;

export interface SourceDocument {
  item: BundleItem;
  doc: Document;
  /** Where the item sits inside the document (`items[3]` of a List), as segments. */
  prefix: (string | number)[];
  lines: LineCounter;
}

export interface ParsedSource {
  items: BundleItem[];
  /** YAML-layer findings (syntax, duplicate keys, YAML 1.1 booleans and octals). */
  findings: Finding[];
  documents: SourceDocument[];
}

function finding(rule: string, message: string, file: string, line: number | undefined, path = '', object?: unknown): Finding {
  const def = RULES_BY_ID.get(rule);
  const f: Finding = { rule, severity: def?.severity ?? 'error', message, path, file };
  if (line !== undefined) f.line = line;
  if (isObject(object)) {
    if (typeof object.apiVersion === 'string') f.apiVersion = object.apiVersion;
    if (typeof object.kind === 'string') f.kind = object.kind;
    const meta = object.metadata;
    if (isObject(meta)) {
      if (typeof meta.namespace === 'string') f.namespace = meta.namespace;
      if (typeof meta.name === 'string') f.name = meta.name;
    }
  }
  return f;
}

export function parseYamlSource(text: string, file: string): ParsedSource {
  const lines = new LineCounter();
  const out: ParsedSource = { items: [], findings: [], documents: [] };
  const docs = parseAllDocuments(text, { version: '1.1', lineCounter: lines, uniqueKeys: true });
  for (const doc of docs) {
    let broken = false;
    for (const e of doc.errors) {
      const line = e.linePos?.[0]?.line;
      const first = e.message.split('\n')[0];
      if (e.code === 'DUPLICATE_KEY') {
        out.findings.push(finding('yaml/duplicate-key', `${first} (kubectl and Argo CD reject duplicate keys)`, file, line));
      } else {
        broken = true;
        out.findings.push(finding('yaml/syntax', first, file, line));
      }
    }
    if (broken) continue;
    const value: unknown = doc.toJS({ maxAliasCount: 1000 });
    if (value === null || value === undefined) continue;
    const docLine = lines.linePos(doc.contents?.range[0] ?? 0).line;
    const entries: { object: unknown; prefix: (string | number)[] }[] = [];
    if (Array.isArray(value)) {
      value.forEach((object, i) => entries.push({ object, prefix: [i] }));
    } else if (isObject(value) && typeof value.kind === 'string' && value.kind.endsWith('List') && Array.isArray(value.items)) {
      value.items.forEach((object, i) => entries.push({ object, prefix: ['items', i] }));
    } else {
      entries.push({ object: value, prefix: [] });
    }
    for (const { object, prefix } of entries) {
      const node = prefix.length ? doc.getIn(prefix, true) : doc.contents;
      const line = node && (node as Node).range ? lines.linePos((node as Node).range![0]).line : docLine;
      const item: BundleItem = { object: object as KubeObject, file, line };
      out.items.push(item);
      out.documents.push({ item, doc, prefix, lines });
    }
    for (const b of yaml11Scalars(doc)) {
      const owner = out.documents.find((d) => d.doc === doc && startsWith(b.segments, d.prefix));
      const path = joinPath(owner ? b.segments.slice(owner.prefix.length) : b.segments);
      const message = typeof b.value === 'boolean'
        ? `unquoted ${b.source} is read as boolean ${String(b.value)} by kubectl and Argo CD (YAML 1.1): write "${b.source}" in quotes if you mean the string, or ${String(b.value)} if you mean the boolean`
        : `unquoted ${b.source} is read as octal, the number ${b.value}, by kubectl and Argo CD (YAML 1.1), but as ${Number(b.source.replace(/_/g, ''))} by YAML 1.2 readers: write ${b.value} if you mean that number (file modes: 0644 is 420), or "${b.source}" in quotes if you mean the string`;
      out.findings.push(finding(typeof b.value === 'boolean' ? 'yaml/yaml11-boolean' : 'yaml/yaml11-octal', message,
        file, lines.linePos(b.offset).line, path, owner?.item.object));
    }
  }
  return out;
}

function startsWith(a: readonly (string | number)[], prefix: readonly (string | number)[]): boolean {
  return prefix.every((p, i) => a[i] === p);
}

interface Yaml11Scalar {
  source: string;
  value: boolean | number;
  offset: number;
  segments: (string | number)[];
}

/** YAML 1.1 octal (`0644`), which YAML 1.2 reads as decimal. */
const YAML11_OCTAL = /^[-+]?0[0-7_]+$/;

/** Plain scalars whose YAML 1.1 reading differs from YAML 1.2's: booleans and octal numbers. */
function yaml11Scalars(doc: Document): Yaml11Scalar[] {
  const out: Yaml11Scalar[] = [];
  visit(doc, {
    Scalar(_key, node, ancestors) {
      if (node.type !== 'PLAIN') return;
      const source = node.source ?? '';
      const v = node.value;
      const surprising = typeof v === 'boolean' ? YAML11_ONLY_BOOLEANS.test(source)
        : typeof v === 'number' && YAML11_OCTAL.test(source) && v !== Number(source.replace(/_/g, ''));
      if (!surprising) return;
      const segments: (string | number)[] = [];
      for (let i = 0; i < ancestors.length; i++) {
        const a = ancestors[i];
        const next = ancestors[i + 1] ?? node;
        if (isPair(a) && a.value === next) segments.push(isScalar(a.key) ? String(a.key.value) : String(a.key));
        else if (isSeq(a)) segments.push(a.items.indexOf(next as never));
      }
      out.push({ source, value: v as boolean | number, offset: node.range?.[0] ?? 0, segments });
    },
  });
  return out;
}

/** The line of a field path inside an item's document: the deepest node that exists. */
export function lineOf(source: SourceDocument, path: string): number | undefined {
  const segments = [...source.prefix, ...pathSegments(path)];
  while (segments.length >= source.prefix.length) {
    const node = (segments.length ? source.doc.getIn(segments, true) : source.doc.contents) as Node | null | undefined;
    if (node && node.range) return source.lines.linePos(node.range[0]).line;
    if (segments.length === 0) break;
    segments.pop();
  }
  return source.item.line;
}

/** Inventory file: multi-document YAML, a YAML/JSON array, or a `kind: List`. */
export function parseInventory(text: string, file: string): KubeObject[] {
  const parsed = parseYamlSource(text, file);
  const bad = parsed.findings.find((f) => f.severity === 'error');
  if (bad) throw new Error(`${file}${bad.line ? `:${bad.line}` : ''}: ${bad.message}`);
  return parsed.items.map((i) => i.object);
}
