// Kubernetes resource quantities ("10Gi", "500M", "1.5T") as numbers of bytes, to compare sizes.
const SUFFIX: Record<string, number> = {
  '': 1,
  k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
  m: 1e-3,
};

export function parseQuantity(q: unknown): number | undefined {
  if (typeof q === 'number') return q;
  if (typeof q !== 'string') return undefined;
  const m = /^([0-9]+(?:\.[0-9]+)?)(?:[eE]([-+]?[0-9]+))?([a-zA-Z]*)$/.exec(q.trim());
  if (!m) return undefined;
  const factor = SUFFIX[m[3]];
  if (factor === undefined) return undefined;
  return Number(m[1]) * 10 ** Number(m[2] ?? 0) * factor;
}
