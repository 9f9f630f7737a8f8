// An image release tag `images/<name>/v<version>` (pushed by a maintainer; built and pushed to
// GHCR by .github/workflows/images.yml) read as data: which owned image, which version, which
// recipe, and which app pin `npm run release` then moves.
import { ownedImages, type OwnedImage } from '../../apps/images.ts';
import { RenderError } from '../types.ts';
import { describeScheme, versionOf } from './order.ts';
import { schemeOf } from './pins.ts';

export interface ImageRelease {
  image: OwnedImage;
  /** The image tag pushed: the release tag's version without its `v`. */
  version: string;
  /** `repository:version`. */
  ref: string;
}

const TAG = /^(?:refs\/tags\/)?images\/([a-z0-9][a-z0-9-]*)\/v([0-9A-Za-z][0-9A-Za-z.-]*)$/;

export function parseImageTag(tag: string): ImageRelease {
  const where = { field: '--tag' };
  const m = TAG.exec(tag);
  if (!m) throw new RenderError(where, `"${tag}" is not an image release tag (images/<name>/v<version>, e.g. images/garage-api/v1.3.0)`);
  const [, name, version] = m as unknown as [string, string, string];
  const image: OwnedImage | undefined = Object.values(ownedImages).find((i) => i.name === name);
  if (!image) throw new RenderError(where, `no owned image "${name}" (known: ${Object.values(ownedImages).map((i) => i.name).join(', ')})`);
  const scheme = schemeOf(image.release.app, image.release.pin);
  if (!scheme || versionOf(scheme, version) === undefined) {
    throw new RenderError(where, `${tag}: version "${version}" is not ${scheme ? describeScheme(scheme) : 'valid'} (the ${image.release.app} pin ${image.release.pin})`);
  }
  // A build id names the source commit it was built from: the recipe must pin that commit.
  if (scheme === 'build' && !image.source.commit.startsWith(version)) {
    throw new RenderError(where, `${tag}: ${image.name} is built from ${image.source.commit.slice(0, 12)} (apps/images.ts); tag the build id of that commit, or move the recipe's commit first`);
  }
  return { image, version, ref: `${image.repository}:${version}` };
}
