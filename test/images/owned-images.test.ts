import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OWNED_REGISTRIES, ownedImages, repositoryOf } from '../../apps/images.ts';
import { dev } from '../../environments/dev.ts';
import { prod } from '../../environments/prod.ts';
import type { Environment } from '../../environments/types.ts';
import { buildEnvironment } from '../../render/build.ts';
import { run as images } from '../../render/commands/images.ts';
import { run as release } from '../../render/commands/release.ts';
import { UsageError } from '../../render/commands/args.ts';
import { parseImageTag } from '../../render/delivery/image-release.ts';
import { RELEASE_PINS } from '../../render/delivery/pins.ts';
import { planRelease } from '../../render/delivery/release.ts';
import { readVersions } from '../../render/delivery/versions-file.ts';
import { REPO } from '../helpers/sandbox.ts';
import { renderError } from '../helpers/errors.ts';

const catalog = Object.values(ownedImages);

/** Every container image of every workload, with the pod's runAsUser. */
function workloadImages(env: Environment) {
  return buildEnvironment(env).objects.flatMap(({ object }) => {
    const spec = (object.spec as { template?: { spec?: { containers?: Array<{ image: string }>; securityContext?: { runAsUser?: number } } } } | undefined)?.template?.spec;
    return (spec?.containers ?? []).map((c) => ({ image: c.image, runAsUser: spec?.securityContext?.runAsUser }));
  });
}

describe('the images this repository builds (apps/images.ts)', () => {
  it.each(catalog.map((i) => [i.name, i] as const))('%s: a recipe that pins its upstream commit, its bases, multi-stage and non-root', (_, image) => {
    const file = join(REPO, image.recipe.dockerfile);
    expect(existsSync(file), image.recipe.dockerfile).toBe(true);
    expect(image.recipe.dockerfile.startsWith(`${image.recipe.context}/`)).toBe(true);
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(new RegExp(`^ARG [A-Z_]+_COMMIT=${image.source.commit}$`, 'm'));
    expect(text).toMatch(new RegExp(`^ARG [A-Z_]+_REPOSITORY=${image.source.repository}$`, 'm'));
    // The build fails unless the checked-out commit is the pinned one.
    expect(text).toMatch(/rev-parse HEAD/);
    const froms = [...text.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]!);
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const [, ref] of text.matchAll(/^ARG [A-Z_]+_IMAGE=(\S+)$/gm)) {
      expect(ref).toMatch(/^[a-z0-9./-]+:[0-9][\w.-]*(@sha256:[0-9a-f]{64})?$/);
      expect(ref).not.toMatch(/:latest/);
    }
    const user = [...text.matchAll(/^USER (\d+)(?::\d+)?$/gm)].at(-1)?.[1];
    expect(user, 'the final stage runs as a numeric non-root user').toBeDefined();
    expect(Number(user)).toBeGreaterThan(0);
    for (const [arg] of Object.entries(image.recipe.buildArgs ?? {})) expect(text).toMatch(new RegExp(`^ARG ${arg}$`, 'm'));
    // A release of it moves a pin that receives releases.
    expect(RELEASE_PINS[image.release.app] as readonly string[]).toContain(image.release.pin);
  });

  it('every owned image the environments run is in the catalog, and runs as the user its recipe sets', () => {
    for (const env of [dev, prod]) {
      const owned = workloadImages(env).filter((w) => OWNED_REGISTRIES.some((p) => w.image.startsWith(p)));
      expect(owned.length).toBeGreaterThan(0);
      for (const w of owned) {
        const image = catalog.find((i) => i.repository === repositoryOf(w.image))!;
        expect(image, w.image).toBeDefined();
        const user = [...readFileSync(join(REPO, image.recipe.dockerfile), 'utf8').matchAll(/^USER (\d+)/gm)].at(-1)![1];
        expect(w.runAsUser, `${env.name} ${w.image}`).toBe(Number(user));
      }
    }
  });

  it('the render refuses an image under our registry with no recipe, naming env, app, workload and image', () => {
    const broken: Environment = { ...dev, apps: { ...dev.apps, hello: { ...dev.apps.hello!, image: { repository: 'ghcr.io/sound-buzz/hello-fork', tag: '3aa9ddb' } } } };
    const e = renderError(() => buildEnvironment(broken));
    expect(e.describe()).toBe(
      'env dev › component hello › Deployment/hello/web › spec.template.spec.containers[0].image: image ghcr.io/sound-buzz/hello-fork:3aa9ddb is published by this repository (ghcr.io/sound-buzz/) but has no build recipe: add ghcr.io/sound-buzz/hello-fork to apps/images.ts with its images/<name>/Dockerfile, or use an upstream image',
    );
  });

  it('repositoryOf keeps registry ports and drops tags and digests', () => {
    expect(repositoryOf('ghcr.io/sound-buzz/garage-api:1.2.0')).toBe('ghcr.io/sound-buzz/garage-api');
    expect(repositoryOf('registry.local:5000/x/y@sha256:abc')).toBe('registry.local:5000/x/y');
    expect(repositoryOf('redis')).toBe('redis');
  });
});

describe('image release tags', () => {
  it('images/<name>/v<version> names the image, the version and the app pin; the release bumps that pin only', () => {
    const r = parseImageTag('images/garage-api/v1.3.0');
    expect(r).toMatchObject({ version: '1.3.0', ref: 'ghcr.io/sound-buzz/garage-api:1.3.0', image: { release: { app: 'django-web', pin: 'api' } } });
    const { changes } = planRelease(readVersions(REPO, 'dev'), { app: r.image.release.app, version: r.version, image: r.image.release.pin, env: 'dev' });
    expect(changes).toEqual([{ app: 'django-web', pin: 'api', from: expect.any(String), to: '1.3.0' }]);
    expect(parseImageTag('refs/tags/images/vhelloworld/v3aa9ddb').ref).toBe('ghcr.io/sound-buzz/vhelloworld:3aa9ddb');
  });

  it('refuses malformed tags, unknown images, versions the pin would not take and build ids of another commit', () => {
    expect(() => parseImageTag('garage-api-1.3.0')).toThrow(/is not an image release tag \(images\/<name>\/v<version>/);
    expect(() => parseImageTag('images/garage/v1.3.0')).toThrow(/no owned image "garage" \(known: garage-public, garage-api, vhelloworld\)/);
    expect(() => parseImageTag('images/garage-api/vnext')).toThrow(/version "next" is not a semantic version/);
    expect(() => parseImageTag('images/vhelloworld/v1234567')).toThrow(/vhelloworld is built from 3aa9ddbe0eff/);
  });

  it('npm run images -- plan writes the build for the workflow as GitHub outputs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'images-plan-'));
    try {
      const lines: string[] = [];
      expect(await images(['plan', '--tag', 'images/garage-public/v1.2.1', '--github-output', join(dir, 'out')], (l) => lines.push(l))).toBe(0);
      const out = readFileSync(join(dir, 'out'), 'utf8');
      expect(out).toContain('ref=ghcr.io/sound-buzz/garage-public:1.2.1\n');
      expect(out).toContain('context=images/garage\n');
      expect(out).toContain('dockerfile=images/garage/Dockerfile\n');
      expect(out).toContain('build-args=APP_TYPE=public\n');
      expect(lines.join('\n')).toBe(out.trimEnd());
      await expect(images(['plan'])).rejects.toThrow(UsageError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('npm run release -- --image-tag takes app, pin and version from the tag, and refuses mixing them', async () => {
    await expect(release(['--image-tag', 'images/garage-api/v1.3.0', '--app', 'hello'], { repoDir: REPO })).rejects.toThrow(/--image-tag names the app, image and version/);
    await expect(release(['--image-tag', 'images/nope/v1.0.0'], { repoDir: REPO })).rejects.toThrow(/no owned image "nope"/);
  });
});
