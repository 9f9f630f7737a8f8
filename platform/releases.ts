// Which upstream releases a platform model may render. A model mirrors the manifests of one
// release line (flags, RBAC, CRDs, ports); a new minor or major release may change any of them,
// so it renders only after someone reviewed the model against it and widened `supported`.
// Patch releases stay inside the range and flow from dev to prod by promotion.
import semver from 'semver';
import type { Environment, PlatformVersions } from '../environments/types.ts';
import { RenderError } from '../render/types.ts';

export type PlatformPin = keyof PlatformVersions;

export interface ReleaseLine {
  /** The field of `PlatformVersions` (and of the versions files' `platform` section). */
  pin: PlatformPin;
  /** The component running it; its model is `platform/<component>.ts`. */
  component: string;
  /** semver range of the releases the model was written for, e.g. `>=0.16.0 <0.17.0`. */
  supported: string;
  /** How upstream spells its tags: `v0.16.1` or `0.36.1`. */
  prefix: 'v' | '';
  /** Upstream tags carry a build suffix after the version (`v1.9.1-flannel3`). */
  suffixed?: boolean;
}

/** The version part of a pin written as `line` spells it, or a reason it is not. */
function versionPart(line: ReleaseLine, pin: string): { version: string } | { problem: string } {
  const form = new RegExp(`^${line.prefix}(\\d+\\.\\d+\\.\\d+)${line.suffixed ? '(?:-[0-9A-Za-z][0-9A-Za-z.-]*)?' : ''}$`);
  const m = form.exec(pin);
  if (m && semver.valid(m[1])) return { version: m[1] };
  const example = `${line.prefix}1.2.3${line.suffixed ? '[-suffix]' : ''}`;
  return { problem: `"${pin}" is not spelled as upstream tags ${line.component} releases (${example})` };
}

/**
 * The pinned release, when the model was written for it. Throws a RenderError on field
 * `platform.<pin>` otherwise (the environment is added by the caller that knows it).
 */
export function pinnedRelease(line: ReleaseLine, pin: string, env?: string): string {
  const where = {
    ...(env === undefined ? {} : { env, file: `environments/${env}.versions.json` }),
    component: line.component,
    field: `platform.${line.pin}`,
  };
  if (typeof pin !== 'string') throw new RenderError(where, `no ${line.pin} version pinned`);
  const part = versionPart(line, pin);
  if ('problem' in part) throw new RenderError(where, part.problem);
  if (!semver.satisfies(part.version, line.supported)) {
    throw new RenderError(
      where,
      `${line.pin} ${pin} is outside the releases platform/${line.component}.ts was written for (${line.supported}): ` +
        `review the model against that release's upstream manifests, then widen its supported range`,
    );
  }
  return pin;
}

/** Checks every pin of an environment against the model that uses it, naming the environment. */
export function checkPlatformVersions(env: Environment, lines: readonly ReleaseLine[]): void {
  for (const line of lines) pinnedRelease(line, env.platform[line.pin], env.name);
}
