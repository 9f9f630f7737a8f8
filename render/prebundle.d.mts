export function ensureBundle(): Promise<{ fingerprint: string; dir: string; specifiers: Record<string, string> } | undefined>;
export function buildBundle(extra?: readonly string[]): Promise<{ fingerprint: string; dir: string; specifiers: Record<string, string> } | undefined>;
export function scanImports(root?: string): Map<string, boolean>;
export function registerPrebundle(): Promise<void>;
export function installedTree(root?: string): Buffer;
export function removeStale(dir: string, keep: string, pattern: RegExp): void;
