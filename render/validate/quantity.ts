// Kubernetes resource quantities (k8s.io/apimachinery/pkg/api/resource): the exact grammar the
// API server parses, stricter than the schema's regex (no `h`, `da`, `Y` suffixes), with values
// to compare requests against limits.

const QUANTITY = /^([+-]?)(\d+\.?\d*|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;

const MULTIPLIERS: Record<string, number> = {
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
  n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
};

export type ParsedQuantity = { value: number } | { error: string };

export function parseQuantity(v: unknown): ParsedQuantity {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return { error: 'must be a finite number' };
    return v < 0 ? { error: `must not be negative (is ${v})` } : { value: v };
  }
  if (typeof v !== 'string') return { error: 'must be a quantity string such as "500m", "128Mi" or "1Gi"' };
  const m = QUANTITY.exec(v);
  if (!m) return { error: `"${v}" is not a quantity (examples: "500m", "0.5", "128Mi", "1Gi"; "MB"/"mb" are not units)` };
  const [, sign, digits, suffix = ''] = m;
  const n = Number(digits);
  const value = /^[eE]/.test(suffix) ? n * 10 ** Number(suffix.slice(1)) : n * MULTIPLIERS[suffix];
  if (sign === '-' && value !== 0) return { error: `must not be negative (is "${v}")` };
  return { value };
}

const STANDARD_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage', 'storage']);

/** Container and claim resource names: standard ones, hugepages-<size>, or domain-prefixed. */
export function resourceNameProblem(name: string): string | undefined {
  if (STANDARD_RESOURCES.has(name) || /^hugepages-/.test(name) || name.includes('/')) return undefined;
  return `unknown resource "${name}" (cpu, memory, ephemeral-storage, hugepages-<size>, or a domain-prefixed extended resource)`;
}
