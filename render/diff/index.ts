// Semantic diff of rendered manifests: the pieces other features reuse.
export type * from './model.ts';
export { RISK_CLASSES, RISK_LABEL } from './model.ts';
export { compareSides, objectKey, displayId, type CompareOptions } from './compare.ts';
export { readRenderedAtRef, resolveCommit, parseRenderedFile } from './git-source.ts';
export { buildWorkingTree } from './worktree-source.ts';
export { readRenderedDir } from './dir-source.ts';
export { formatText } from './format-text.ts';
export { formatMarkdown, GITHUB_COMMENT_LIMIT, type MarkdownOptions } from './format-markdown.ts';
export { formatJson } from './format-json.ts';
export { redactPair, REDACTED, REDACTED_CHANGED } from './redact.ts';
export { loadSerializer, loadEnvironmentFacts, runUrlFromActions } from './load.ts';
