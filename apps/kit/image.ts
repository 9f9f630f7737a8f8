import semver from 'semver';
import { RenderError } from '../../render/types.ts';

/**
 * How an image's tags are versioned:
 * - `semver`: `1.2.3` or `v1.2.3`, optionally followed by a variant (`6.8.2-php8.3-apache`);
 * - `major-minor`: `17.6` (PostgreSQL, MySQL-style two-part releases), optional variant;
 * - `build`: an immutable build id we produce ourselves (a commit hash), never a moving name.
 */
export type TagScheme = 'semver' | 'major-minor' | 'build';

/** Where an image value came from, for error messages: the app and the values field. */
export interface ImageWhere {
  app: string;
  field: string;
}

const MOVING_TAGS = new Set(['latest', 'stable', 'main', 'master', 'edge', 'nightly', 'dev', 'lts', 'current']);
const MAJOR_MINOR = /^v?(\d+)\.(\d+)(?:\.(\d+))?(?:-([0-9A-Za-z][0-9A-Za-z.-]*))?$/;
const SEMVER_WITH_VARIANT = /^(v?\d+\.\d+\.\d+)(?:-([0-9A-Za-z][0-9A-Za-z.-]*))?$/;
const BUILD_ID = /^[0-9a-f]{7,40}$|^\d{4}\.\d{2}\.\d{2}(?:[.-][0-9A-Za-z]+)?$/;
const REPOSITORY = /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?::\d+)?(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/;

/**
 * A pinned image reference `repository:tag`. Throws a RenderError naming the app and the
 * values field when the tag is empty, moving (`latest`…) or not a version of the declared scheme.
 */
export function image(repository: string, tag: string, where: ImageWhere, scheme: TagScheme = 'semver'): string {
  const fail = (message: string): never => {
    throw new RenderError({ component: where.app, field: where.field }, message);
  };
  if (!REPOSITORY.test(repository)) fail(`"${repository}" is not an image repository name`);
  if (tag === '') fail(`image ${repository} needs a pinned tag`);
  if (MOVING_TAGS.has(tag.toLowerCase()) || MOVING_TAGS.has(tag.split('-')[0].toLowerCase())) {
    fail(`image ${repository}:${tag} uses a moving tag; pin a released version`);
  }
  if (scheme === 'semver') {
    const m = SEMVER_WITH_VARIANT.exec(tag);
    if (!m || semver.valid(m[1]) === null) fail(`image ${repository}:${tag}: tag must be a semantic version (x.y.z, optional -variant)`);
  } else if (scheme === 'major-minor') {
    const m = MAJOR_MINOR.exec(tag);
    if (!m || semver.valid(`${m[1]}.${m[2]}.${m[3] ?? '0'}`) === null) fail(`image ${repository}:${tag}: tag must be major.minor[.patch] (optional -variant)`);
  } else if (!BUILD_ID.test(tag)) {
    fail(`image ${repository}:${tag}: a build tag must be a commit hash or a dated build id (YYYY.MM.DD)`);
  }
  return `${repository}:${tag}`;
}

/** The version part of a tag (`6.8.2-php8.3-apache` → `6.8.2`), coerced to semver, for comparisons. */
export function tagVersion(tag: string): string | null {
  const coerced = semver.coerce(tag);
  return coerced ? coerced.version : null;
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;

/**
 * An image pinned by content, `repository@sha256:…`: for an upstream that publishes only a moving
 * tag. The digest is the pin (in the versions file), so updating the image is a reviewed change.
 */
export function imageByDigest(repository: string, digest: string, where: ImageWhere): string {
  if (!REPOSITORY.test(repository)) throw new RenderError({ component: where.app, field: where.field }, `"${repository}" is not an image repository name`);
  if (!DIGEST.test(digest)) throw new RenderError({ component: where.app, field: where.field }, `"${digest}" is not an image digest (sha256: and 64 hex digits)`);
  return `${repository}@${digest}`;
}
