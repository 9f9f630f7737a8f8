// Reading manifests as Argo CD and kubectl read them: YAML 1.1 scalars (unquoted `on`, `yes`,
// `n` are booleans, `0644` is octal), duplicate keys are errors. Documents become bundle
// items carrying file and line; a `kind: List` or a top-level array contributes its items.
import { Document, isMap, isScalar, isSeq, LineCounter, parseAllDocuments, parseDocument, type Node, type Scalar, type YAMLSeq } from 'yaml';
import { load as loadFast } from 'js-yaml';
import { plainScalar, schemaResolving } from '../fast-yaml.ts';
import type { KubeObject } from '../types.ts';
import type { BundleItem, Finding } from './index.ts';
import { RULES_BY_ID } from './rules.ts';
import { documentContentBytes, MAX_DOCUMENT_CONTENT_BYTES } from './size.ts';
import { field, index as index_, isObject, joinPath, pathSegments } from './json.ts';

/** Scalars that YAML 1.1 (go-yaml v2, sigs.k8s.io/yaml) reads as booleans but YAML 1.2 as strings. */
const YAML11_ONLY_BOOLEANS = /^(y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$/;

export interface SourceDocument {
  item: BundleItem;
  doc: Document;
  /** Where the item sits inside the document (`items[3]` of a List), as segments. */
  prefix: (string | number)[];
  lines: Lines;
}

/** Offset → line in the file (a LineCounter, shifted past documents left unparsed). */
export interface Lines {
  linePos(offset: number): { line: number; col: number };
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

/**
 * Reads a YAML stream. Plain documents (most of any real file) are read for their values only,
 * with js-yaml resolving scalars by the `yaml` library's own YAML 1.1 tags: about ten times
 * faster than building the position-carrying document tree (15,000 objects: 0.7 s instead of
 * 8 s). A document that has anything to report or anything unusual — a syntax error, a
 * duplicate key, a YAML 1.1 boolean or octal, an anchor, a tag, a List — is read again with
 * positions, and so is any document a later finding needs the line of (SourceDocument.doc is
 * built on first use).
 */
export function parseYamlSource(text: string, file: string): ParsedSource {
  return parseFast(text, file) ?? parseWithPositions(text, file);
}

/** The reader that keeps every node's position (the fast path's reference; exported for its test). */
export function parseWithPositions(text: string, file: string, firstLine = 1): ParsedSource {
  const counter = new LineCounter();
  const out: ParsedSource = { items: [], findings: [], documents: [] };
  // uniqueKeys is off: the library compares each key with every earlier key of its mapping
  // (quadratic: a 100,000-key ConfigMap took minutes); walkDocument finds duplicates with a Set.
  const giants = text.length > MAX_DOCUMENT_CONTENT_BYTES ? oversizedDocuments(text) : [];
  for (const g of giants) {
    out.findings.push(finding('schema/too-large',
      `a YAML document of ${g.contentBytes.toLocaleString('en')} characters without indentation and comments: no cluster takes an object this large (etcd stores at most 1.5 MiB, the API server reads at most 3 MiB per request); not read further`,
      file, g.line + firstLine - 1, '', g.identity));
  }
  const blanked = giants.length ? blankOut(text, giants) : { text, shifts: [] };
  const lines = shifted(counter, firstLine > 1 ? [{ at: 0, lines: firstLine - 1 }, ...blanked.shifts] : blanked.shifts);
  const docs = parseAllDocuments(blanked.text, { version: '1.1', lineCounter: counter, uniqueKeys: false });
  for (const doc of docs) {
    let broken = false;
    for (const e of doc.errors) {
      broken = true;
      // The library counts lines from the start of the text it was given (one document of the file).
      const message = e.message.split('\n')[0]!.replace(/ at line (\d+), column /, (_, n: string) => ` at line ${Number(n) + firstLine - 1}, column `);
      out.findings.push(finding('yaml/syntax', message, file, lines.linePos(e.pos[0]).line));
    }
    if (broken) continue;
    const walked = walkDocument(doc);
    const value: unknown = doc.toJS({ maxAliasCount: 1000 });
    if (value === null || value === undefined) {
      pushDuplicates(out, walked.duplicates, file, lines);
      continue;
    }
    const docLine = lines.linePos(doc.contents?.range[0] ?? 0).line;
    const entries: { object: unknown; prefix: (string | number)[] }[] = [];
    if (Array.isArray(value)) {
      value.forEach((object, i) => entries.push({ object, prefix: [i] }));
    } else if (isObject(value) && typeof value.kind === 'string' && value.kind.endsWith('List') && Array.isArray(value.items)) {
      value.items.forEach((object, i) => entries.push({ object, prefix: ['items', i] }));
    } else {
      entries.push({ object: value, prefix: [] });
    }
    const itemNodes = isSeq(doc.contents) ? doc.contents.items : isMap(doc.contents) && entries[0]?.prefix.length ? (doc.contents.get('items', true) as YAMLSeq | undefined)?.items : undefined;
    const owners = new Map<number | undefined, SourceDocument>();
    for (const { object, prefix } of entries) {
      const node = prefix.length ? itemNodes?.[prefix[prefix.length - 1] as number] : doc.contents;
      const line = node && (node as Node).range ? lines.linePos((node as Node).range![0]).line : docLine;
      const item: BundleItem = { object: object as KubeObject, file, line };
      const range = (node as Node | undefined)?.range;
      if (range) item.sourceBytes = range[2] - range[0];
      const source: SourceDocument = { item, doc, prefix, lines };
      out.items.push(item);
      out.documents.push(source);
      owners.set(prefix.length ? (prefix[prefix.length - 1] as number) : undefined, source);
    }
    const ownerOf = (segments: readonly (string | number)[]): SourceDocument | undefined => {
      const first = entries[0]?.prefix;
      if (!first?.length) return owners.get(undefined);
      if (first.length === 1) return owners.get(segments[0] as number);
      return segments[0] === 'items' ? owners.get(segments[1] as number) : undefined;
    };
    pushDuplicates(out, walked.duplicates, file, lines, ownerOf);
    for (const b of walked.yaml11) {
      const owner = ownerOf(b.segments);
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

/** Thrown by the fast reader where the document needs the position-carrying one. */
class NeedsPositions extends Error {}

/**
 * Every plain scalar resolved exactly as `parseAllDocuments(…, { version: '1.1' })` resolves it
 * (render/fast-yaml.ts); the ones walkDocument reports (YAML 1.1 booleans and octals) and merge
 * keys send the document to the slow reader.
 */
const FAST_SCHEMA = schemaResolving('yaml11-checked', (source) => {
  if (source === '<<') throw new NeedsPositions();
  let v: unknown;
  try {
    v = plainScalar('1.1', source);
  } catch {
    throw new NeedsPositions();
  }
  if (typeof v === 'boolean' && YAML11_ONLY_BOOLEANS.test(source)) throw new NeedsPositions();
  if (typeof v === 'number' && YAML11_OCTAL.test(source) && v !== Number(source.replace(/_/g, ''))) throw new NeedsPositions();
  return v;
});

/** An anchor or alias (`&a`, `*a`) outside quotes, roughly: such documents take the slow reader. */
const MAYBE_ANCHOR = /(?:^|[\s[{,])[&*][^\s\]},]/;
const DOCUMENT_START = /^---(?=\s|$)/gm;

/** The fast path of parseYamlSource, or undefined when the whole file needs the slow one. */
function parseFast(text: string, file: string): ParsedSource | undefined {
  // Directives and document-end markers are rare: the slow reader handles them.
  if (/^(?:%|\.\.\.(?:\s|$))/m.test(text)) return undefined;
  const starts = [0];
  for (let m = DOCUMENT_START.exec(text); m; m = DOCUMENT_START.exec(text)) if (m.index > 0) starts.push(m.index);
  const out: ParsedSource = { items: [], findings: [], documents: [] };
  let line = 1;
  for (let i = 0; i < starts.length; i++) {
    const chunk = text.slice(starts[i], starts[i + 1] ?? text.length);
    const firstLine = line;
    line += newlines(chunk, 0, chunk.length);
    const fast = readPlainDocument(chunk, file, firstLine);
    if (fast === null) continue;
    const slow = fast ?? parseWithPositions(chunk, file, firstLine);
    out.items.push(...slow.items);
    out.findings.push(...slow.findings);
    out.documents.push(...slow.documents);
  }
  return out;
}

/**
 * One document read for its value: a ParsedSource of one item, null for an empty document,
 * undefined when the document needs the slow reader.
 */
function readPlainDocument(chunk: string, file: string, firstLine: number): ParsedSource | null | undefined {
  // Giant documents are measured, not read, by the slow reader.
  if (chunk.length > MAX_DOCUMENT_CONTENT_BYTES || MAYBE_ANCHOR.test(chunk)) return undefined;
  // The content's first line: past the `---` line (which must carry nothing else) and comments.
  const lines = chunk.split('\n', 64);
  let at = 0;
  if (lines[0]!.startsWith('---')) {
    if (!/^---\s*(?:#.*)?$/.test(lines[0]!.replace(/\r$/, ''))) return undefined;
    at = 1;
  }
  while (at < lines.length && /^\s*(?:#.*)?$/.test(lines[at]!)) at++;
  let value: unknown;
  try {
    value = loadFast(chunk, { schema: FAST_SCHEMA });
  } catch {
    return undefined;
  }
  if (value === null || value === undefined) return at >= lines.length && lines.length < 64 ? null : undefined;
  if (at >= lines.length || !isObject(value) || (typeof value.kind === 'string' && value.kind.endsWith('List'))) return undefined;
  // The document as the file holds it: what the object was read from, its key in the validation cache.
  const item: BundleItem = { object: value as KubeObject, file, line: firstLine + at, text: chunk };
  const contentStart = lines.slice(0, at).reduce((n, l) => n + l.length + 1, 0);
  item.sourceBytes = chunk.trimEnd().length - contentStart;
  return { items: [item], findings: [], documents: [lazySource(item, chunk, firstLine)] };
}

/** A SourceDocument whose position-carrying tree is built only when a finding asks for a line. */
function lazySource(item: BundleItem, chunk: string, firstLine: number): SourceDocument {
  let parsed: { doc: Document; lines: Lines } | undefined;
  const get = (): { doc: Document; lines: Lines } => {
    if (!parsed) {
      const counter = new LineCounter();
      const doc = parseDocument(chunk, { version: '1.1', lineCounter: counter, uniqueKeys: false });
      parsed = { doc, lines: shifted(counter, [{ at: 0, lines: firstLine - 1 }]) };
    }
    return parsed;
  };
  return {
    item,
    prefix: [],
    get doc() {
      return get().doc;
    },
    get lines() {
      return get().lines;
    },
  };
}

interface Giant {
  start: number;
  end: number;
  line: number;
  contentBytes: number;
  identity: { kind?: string; metadata?: { name?: string; namespace?: string } };
}

/** Documents too large to be worth parsing, found by a linear scan of the text. */
function oversizedDocuments(text: string): Giant[] {
  const starts = [0];
  const separator = /^(?:---|\.\.\.)(?=\s|$)/gm;
  for (let m = separator.exec(text); m; m = separator.exec(text)) if (m.index > 0) starts.push(m.index);
  const out: Giant[] = [];
  let line = 1;
  let counted = 0;
  for (let i = 0; i < starts.length; i++) {
    const start = starts[i]!;
    const end = starts[i + 1] ?? text.length;
    const contentBytes = documentContentBytes(text, start, end);
    if (contentBytes <= MAX_DOCUMENT_CONTENT_BYTES) continue;
    line += newlines(text, counted, start);
    counted = start;
    const head = text.slice(start, Math.min(end, start + 65536));
    const kind = /^kind:[ \t]*["']?([\w.-]+)/m.exec(head)?.[1];
    const meta = /^metadata:[ \t]*\n((?:[ \t]+.*\n)*)/m.exec(head)?.[1] ?? '';
    const name = /^[ \t]+name:[ \t]*["']?([\w.-]+)/m.exec(meta)?.[1];
    const namespace = /^[ \t]+namespace:[ \t]*["']?([\w.-]+)/m.exec(meta)?.[1];
    out.push({ start, end, line, contentBytes, identity: { ...(kind ? { kind } : {}), metadata: { ...(name ? { name } : {}), ...(namespace ? { namespace } : {}) } } });
  }
  return out;
}

function newlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i >= 0 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

interface Shift {
  /** Offset in the shortened text from which lines move down… */
  at: number;
  /** …by this many lines. */
  lines: number;
}

/** The text without the given documents (each becomes one line), and where lines moved. */
function blankOut(text: string, giants: readonly Giant[]): { text: string; shifts: Shift[] } {
  let out = '';
  let at = 0;
  const shifts: Shift[] = [];
  for (const g of giants) {
    const keep = text.slice(g.start, g.start + 3) === '---' ? '---\n' : '\n';
    out += text.slice(at, g.start) + keep;
    shifts.push({ at: out.length, lines: newlines(text, g.start, g.end) - 1 });
    at = g.end;
  }
  return { text: out + text.slice(at), shifts };
}

function shifted(counter: LineCounter, shifts: readonly Shift[]): Lines {
  if (shifts.length === 0) return counter;
  return {
    linePos(offset) {
      const p = counter.linePos(offset);
      let line = p.line;
      for (const s of shifts) if (s.at <= offset) line += s.lines;
      return { line, col: p.col };
    },
  };
}

function pushDuplicates(
  out: ParsedSource, duplicates: readonly Located[], file: string, lines: Lines,
  ownerOf: (segments: readonly (string | number)[]) => SourceDocument | undefined = () => undefined,
): void {
  for (const d of duplicates) {
    const owner = ownerOf(d.segments);
    const path = joinPath(owner ? d.segments.slice(owner.prefix.length) : d.segments);
    out.findings.push(finding('yaml/duplicate-key', `key ${JSON.stringify(d.source)} appears twice in this mapping (kubectl and Argo CD reject duplicate keys)`,
      file, lines.linePos(d.offset).line, path, owner?.item.object));
  }
}

interface Located {
  source: string;
  offset: number;
  segments: (string | number)[];
}

interface Yaml11Scalar extends Located {
  value: boolean | number;
}

/** YAML 1.1 octal (`0644`), which YAML 1.2 reads as decimal. */
const YAML11_OCTAL = /^[-+]?0[0-7_]+$/;

/**
 * One linear pass over a document: keys repeated within a mapping, and plain scalars whose
 * YAML 1.1 reading differs from YAML 1.2's (booleans and octal numbers), each with its path.
 */
function walkDocument(doc: Document): { duplicates: Located[]; yaml11: Yaml11Scalar[] } {
  const duplicates: Located[] = [];
  const yaml11: Yaml11Scalar[] = [];
  const segments: (string | number)[] = [];
  const scalar = (node: Scalar): void => {
    if (node.type !== 'PLAIN') return;
    const source = node.source ?? '';
    const v = node.value;
    const surprising = typeof v === 'boolean' ? YAML11_ONLY_BOOLEANS.test(source)
      : typeof v === 'number' && YAML11_OCTAL.test(source) && v !== Number(source.replace(/_/g, ''));
    if (surprising) yaml11.push({ source, value: v as boolean | number, offset: node.range?.[0] ?? 0, segments: [...segments] });
  };
  const walk = (node: unknown): void => {
    if (isScalar(node)) scalar(node);
    else if (isMap(node)) {
      const seen = new Set<unknown>();
      for (const pair of node.items) {
        const key = pair.key;
        if (isScalar(key)) {
          scalar(key);
          // Merge keys (`<<`) resolve to a fresh symbol each: never duplicates.
          if (typeof key.value !== 'symbol') {
            if (seen.has(key.value)) duplicates.push({ source: String(key.source ?? key.value), offset: key.range?.[0] ?? 0, segments: [...segments] });
            else seen.add(key.value);
          }
        }
        segments.push(isScalar(key) ? String(key.value) : String(key));
        walk(pair.value);
        segments.pop();
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        segments.push(i);
        walk(item);
        segments.pop();
      });
    }
  };
  walk(doc.contents);
  return { duplicates, yaml11 };
}

/** Every node's start offset by its path in the document, built once per document on demand. */
const positions = new WeakMap<Document, Map<string, number>>();

function positionIndex(doc: Document): Map<string, number> {
  let index = positions.get(doc);
  if (index) return index;
  const built = new Map<string, number>();
  const walk = (node: unknown, path: string): void => {
    if (!node || typeof node !== 'object' || !(node as Node).range) return;
    built.set(path, (node as Node).range![0]);
    if (isMap(node)) {
      for (const pair of node.items) walk(pair.value, field(path, isScalar(pair.key) ? String(pair.key.value) : String(pair.key)));
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => walk(item, index_(path, i)));
    }
  };
  walk(doc.contents, '');
  index = built;
  positions.set(doc, index);
  return index;
}

/** The line of a field path inside an item's document: the deepest node that exists. */
export function lineOf(source: SourceDocument, path: string): number | undefined {
  const index = positionIndex(source.doc);
  const segments = [...source.prefix, ...pathSegments(path)];
  while (segments.length >= source.prefix.length) {
    const offset = index.get(joinPath(segments));
    if (offset !== undefined) return source.lines.linePos(offset).line;
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
