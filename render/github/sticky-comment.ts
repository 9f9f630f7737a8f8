// Exactly one comment per pull request and purpose, found by a hidden marker and edited in place
// on every push: reviewers get one place to look and no notification storm. Only a comment the
// token's own account wrote is ours: anyone can paste the marker into a comment, and editing
// theirs would put our text under their name (or let them pre-empt it). A create that GitHub may
// have applied (5xx, no answer) is followed by a fresh look, never by a blind second POST.
import { tokenLogin, type GitHub } from './client.ts';
import { GitHubError } from './errors.ts';

export const COMMENT_LIMIT = 65_536;

export interface StickyCommentTarget {
  owner: string;
  repo: string;
  /** Pull request (or issue) number. */
  issueNumber: number;
  /** Identifies the comment, e.g. `gitops-diff`; stored as `<!-- gitops-diff -->`. */
  marker: string;
}

export interface StickyCommentResult {
  action: 'created' | 'updated' | 'unchanged';
  id: number;
  url: string;
}

export function markerLine(marker: string): string {
  if (!/^[A-Za-z0-9._:/-]+$/.test(marker)) throw new GitHubError(`comment marker "${marker}" must be letters, digits and . _ : / - only`);
  return `<!-- ${marker} -->`;
}

/** The comment body as stored: marker first, never over GitHub's limit. */
export function stickyBody(marker: string, body: string): string {
  const line = markerLine(marker);
  // A body that carries our marker (copied from an old comment) must not create a second match.
  const clean = body.split(line).join('');
  const full = `${line}\n${clean}`;
  if (full.length <= COMMENT_LIMIT) return full;
  const note = '\n\n> [!WARNING]\n> Cut to fit GitHub\'s 65,536-character comment limit; see the workflow artifact for the rest.\n';
  return full.slice(0, COMMENT_LIMIT - note.length) + note;
}

export interface FoundComment {
  id: number;
  body: string;
  url: string;
}

/**
 * The oldest comment carrying the marker written by `author` (the token's own login), scanning
 * every page of the conversation; anyone else's comment with the marker is ignored.
 */
export async function findStickyComment(gh: GitHub, target: StickyCommentTarget, author: string): Promise<FoundComment | undefined> {
  const line = markerLine(target.marker);
  const pages = gh.paginate.iterator(gh.rest.issues.listComments, {
    owner: target.owner, repo: target.repo, issue_number: target.issueNumber, per_page: 100,
  });
  for await (const page of pages) {
    const hit = page.data.find((c) => c.user?.login === author && (c.body ?? '').startsWith(line));
    if (hit) return { id: hit.id, body: hit.body ?? '', url: hit.html_url };
  }
  return undefined;
}

/** How many times a create whose outcome is unknown is looked for and, when absent, sent again. */
const CREATE_ATTEMPTS = 3;

export async function upsertStickyComment(gh: GitHub, target: StickyCommentTarget, body: string): Promise<StickyCommentResult> {
  const full = stickyBody(target.marker, body);
  const author = await tokenLogin(gh);
  const existing = await findStickyComment(gh, target, author);
  if (existing) return update(gh, target, existing, full);
  for (let attempt = 1; ; attempt++) {
    try {
      const { data } = await gh.rest.issues.createComment({ owner: target.owner, repo: target.repo, issue_number: target.issueNumber, body: full });
      return { action: 'created', id: data.id, url: data.html_url };
    } catch (e) {
      if (!(e instanceof GitHubError && e.outcomeUnknown) || attempt >= CREATE_ATTEMPTS) throw e;
      // GitHub may have stored it: adopt it if so, and only post again if it is not there.
      const stored = await findStickyComment(gh, target, author);
      if (stored) return { ...(await update(gh, target, stored, full)), action: 'created' };
    }
  }
}

async function update(gh: GitHub, target: StickyCommentTarget, existing: FoundComment, full: string): Promise<StickyCommentResult> {
  if (existing.body === full) return { action: 'unchanged', id: existing.id, url: existing.url };
  const { data } = await gh.rest.issues.updateComment({ owner: target.owner, repo: target.repo, comment_id: existing.id, body: full });
  return { action: 'updated', id: data.id, url: data.html_url };
}
