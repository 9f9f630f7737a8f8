// Which hosts a preview may answer for: its own name `pr-<n>.<dev domain>` and names under it.
// Traefik on the dev cluster is shared, so a route matching any other host (dev's real
// `django.dev…`, or every host when a rule has no Host matcher) would take traffic away from
// someone else. Route rules are parsed, not pattern-matched, so `Host(a) || PathPrefix(/)` is
// seen for what it is.

export class HostError extends Error {}

const LABEL = '[a-z0-9]([a-z0-9-]*[a-z0-9])?';
const NAME = new RegExp(`^${LABEL}(\\.${LABEL})*$`);

/** Throws a HostError unless `host` is `domain` or a name under it (`*.` allowed when `wildcard`). */
export function checkHost(host: unknown, domain: string, wildcard = false): void {
  if (typeof host !== 'string') throw new HostError(`host ${JSON.stringify(host)} is not a name`);
  const h = host.toLowerCase();
  const name = wildcard && h.startsWith('*.') ? h.slice(2) : h;
  if (!NAME.test(name) || (name !== domain && !name.endsWith(`.${domain}`))) {
    throw new HostError(`host "${host}" is outside the preview's domain: use ${domain} or a name under it`);
  }
}

type Rule =
  | { op: 'call'; name: string; args: string[] }
  | { op: 'not'; of: Rule }
  | { op: 'and' | 'or'; of: Rule[] };

const HOST_MATCHERS = new Set(['Host', 'HostHeader', 'HostSNI']);
const REGEXP_MATCHERS = new Set(['HostRegexp', 'HostSNIRegexp']);

/**
 * Checks a Traefik router rule (`match:`): every host it names must be under `domain`, and every
 * way the rule can match must require one of them. Throws a HostError saying why not.
 */
export function checkRouteRule(rule: unknown, domain: string): void {
  if (typeof rule !== 'string' || rule.trim() === '') throw new HostError(`a route without a Host(\`…\`) matcher answers for every host: name ${domain} or a host under it`);
  const tree = parseRule(rule);
  if (!confined(tree, domain)) {
    throw new HostError(`rule ${rule} can match requests for other hosts: every alternative needs Host(\`…\`) under ${domain}`);
  }
}

function confined(r: Rule, domain: string): boolean {
  switch (r.op) {
    case 'call':
      if (REGEXP_MATCHERS.has(r.name)) throw new HostError(`${r.name} cannot be shown to stay under ${domain}: use Host(\`…\`) with literal names`);
      if (!HOST_MATCHERS.has(r.name)) return false;
      if (r.args.length === 0) throw new HostError(`${r.name}() without a host`);
      for (const a of r.args) checkHost(a, domain);
      return true;
    case 'not':
      // A negated Host matches every other host; its names are still checked.
      confined(r.of, domain);
      return false;
    case 'and':
      return r.of.map((x) => confined(x, domain)).some(Boolean);
    case 'or':
      return r.of.map((x) => confined(x, domain)).every(Boolean);
  }
}

/** Parses `A && (B || !C(`x`, "y"))`; throws a HostError on anything else. */
function parseRule(text: string): Rule {
  let i = 0;
  const skip = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  const fail = (what: string): never => {
    throw new HostError(`cannot read rule ${text}: ${what} at character ${i + 1}`);
  };
  const str = (): string => {
    const q = text[i];
    if (q !== '`' && q !== '"') fail('expected a quoted string');
    const end = text.indexOf(q, i + 1);
    if (end < 0) fail('unterminated string');
    const s = text.slice(i + 1, end);
    if (q === '"' && s.includes('\\')) fail('escapes in host names are not supported');
    i = end + 1;
    return s;
  };
  const unary = (): Rule => {
    skip();
    if (text[i] === '!') {
      i++;
      return { op: 'not', of: unary() };
    }
    if (text[i] === '(') {
      i++;
      const inner = or();
      skip();
      if (text[i] !== ')') fail('expected )');
      i++;
      return inner;
    }
    const m = /^[A-Za-z][A-Za-z0-9]*/.exec(text.slice(i));
    if (!m) fail('expected a matcher');
    i += m![0].length;
    skip();
    if (text[i] !== '(') fail('expected (');
    i++;
    const args: string[] = [];
    skip();
    while (text[i] !== ')') {
      args.push(str());
      skip();
      if (text[i] === ',') {
        i++;
        skip();
      } else if (text[i] !== ')') fail('expected , or )');
    }
    i++;
    return { op: 'call', name: m![0], args };
  };
  const chain = (op: 'and' | 'or', token: string, next: () => Rule) => (): Rule => {
    const of = [next()];
    for (;;) {
      skip();
      if (!text.startsWith(token, i)) break;
      i += token.length;
      of.push(next());
    }
    return of.length === 1 ? of[0] : { op, of };
  };
  const and = chain('and', '&&', unary);
  const or = chain('or', '||', and);
  const tree = or();
  skip();
  if (i < text.length) fail('unexpected text');
  return tree;
}
