// The container images this repository builds itself, because no upstream publishes them: each
// entry says which image repository is ours, where its build recipe lives (images/<dir>/), the
// upstream source it is built from (a pinned commit) and which app pin a release of it moves.
// environments/pinned.ts takes the repositories from here (written once); the render refuses an
// image under one of OWNED_REGISTRIES that is not listed (render/owned-images.ts), since nothing
// would ever push it and its pods would end in ImagePullBackOff. A test checks every recipe
// exists and pins the commit written here. Built and pushed by .github/workflows/images.yml on
// a tag `images/<name>/v<version>` (docs/images.md).
import type { ReleaseApp } from '../render/delivery/pins.ts';

/** Image repository prefixes this repository publishes to. */
export const OWNED_REGISTRIES = ['ghcr.io/sound-buzz/'] as const;

export interface OwnedImage {
  /** The name in release tags (`images/<name>/v<version>`): the repository's last segment. */
  name: string;
  repository: string;
  recipe: {
    /** Build context, relative to the repository root. */
    context: string;
    dockerfile: string;
    /** `--build-arg`s that make this image of a shared recipe. */
    buildArgs?: Readonly<Record<string, string>>;
  };
  /** The upstream code the recipe builds (its Dockerfile pins the same commit). */
  source: { repository: string; commit: string };
  /** The pin a release of this image moves (`npm run release`). */
  release: { app: ReleaseApp; pin: string };
}

const garage = (tier: 'public' | 'api') => ({
  name: `garage-${tier}`,
  repository: `ghcr.io/sound-buzz/garage-${tier}`,
  // One recipe, two images: the CSC8567 correction builds both tiers from the same Django tree.
  recipe: { context: 'images/garage', dockerfile: 'images/garage/Dockerfile', buildArgs: { APP_TYPE: tier } },
  // Abbreviated: the full hash of this commit was not at hand offline; the build checks the
  // checked-out commit starts with it.
  source: { repository: 'https://github.com/DF-Telecom-SudParis/CSC8567-Correction', commit: '8c7ff3a' },
  release: { app: 'django-web', pin: tier },
}) satisfies OwnedImage;

const catalog = {
  'garage-public': garage('public'),
  'garage-api': garage('api'),
  vhelloworld: {
    name: 'vhelloworld',
    repository: 'ghcr.io/sound-buzz/vhelloworld',
    recipe: { context: 'images/vhelloworld', dockerfile: 'images/vhelloworld/Dockerfile' },
    source: { repository: 'https://github.com/zwindler/vhelloworld', commit: '3aa9ddbe0eff6297372933acb4c68d30d70da16a' },
    release: { app: 'hello', pin: 'image' },
  },
} as const satisfies Record<string, OwnedImage>;

export type OwnedImageName = keyof typeof catalog;
export const ownedImages: Readonly<Record<OwnedImageName, OwnedImage>> = catalog;

export function isOwnedRepository(repository: string): boolean {
  return OWNED_REGISTRIES.some((prefix) => repository.startsWith(prefix));
}

export function ownedImageByRepository(repository: string): OwnedImage | undefined {
  return Object.values(ownedImages).find((i) => i.repository === repository);
}

/** `repo[:tag][@digest]` → `repo` (a registry port `host:5000/x` is not a tag). */
export function repositoryOf(image: string): string {
  const noDigest = image.split('@')[0]!;
  const lastSlash = noDigest.lastIndexOf('/');
  const colon = noDigest.indexOf(':', lastSlash + 1);
  return colon === -1 ? noDigest : noDigest.slice(0, colon);
}
