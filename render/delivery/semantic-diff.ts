// The semantic diff (render/diff) a promotion or release shows, computed in this process. Both
// sides are rendered manifests — a commit's rendered/ read from git, or the working tree's
// rendered/ that the re-render has just written (what the commit will hold) — so no model loads
// and nothing of this process's module cache (the versions as they were) can leak into it.
// Same report and formatting as `npm run diff -- --base <ref> [--head <ref>]`.
import {
  compareSides, formatMarkdown, formatText, GITHUB_COMMENT_LIMIT, loadEnvironmentFacts, loadSerializer, readRenderedAtRef, readRenderedDir, runUrlFromActions,
} from '../diff/index.ts';

/** The semantic diff of `base` against `head` (a ref, or the working tree's rendered/). */
export async function semanticDiff(repoDir: string, base: string, options: { head?: string; format: 'text' | 'markdown'; maxChars?: number }): Promise<string> {
  const baseSide = readRenderedAtRef(repoDir, base);
  const headSide = options.head ? readRenderedAtRef(repoDir, options.head) : readRenderedDir(repoDir);
  const report = compareSides(baseSide, headSide, { facts: await loadEnvironmentFacts(), serialize: await loadSerializer() });
  if (options.format === 'text') return formatText(report);
  return formatMarkdown(report, { maxChars: options.maxChars ?? GITHUB_COMMENT_LIMIT, fullDiffUrl: runUrlFromActions() });
}
