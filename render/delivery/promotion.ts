// Promotion as data: the target's pins become the source's, app by app and for the platform,
// unless a rule refuses. Pure (no I/O except the probes handed in), so every refusal is
// unit-testable.
import { RenderError } from '../types.ts';
import { compareWith } from './order.ts';
import { PIN_SCHEMES, PLATFORM, PLATFORM_PIN_SCHEMES, isAppName, isPinGroup, schemeOf, type AppName, type PinGroup } from './pins.ts';
import type { PinMap } from './versions-file.ts';

export interface PinChange {
  /** The app, or `platform` for the platform's pins. */
  app: PinGroup;
  pin: string;
  from: string;
  to: string;
}

export interface PromotionOptions {
  from: string;
  to: string;
  /**
   * What to promote: app names, `platform` (every platform pin) or `platform/<pin>` (one of
   * them); empty = every app the two environments share, and the platform.
   */
  apps: readonly string[];
  allowMajor: boolean;
  /** `apps/<app>/migrations/<stem>.sql` exists. */
  migrationExists(app: AppName, stem: string): boolean;
  /**
   * The source's pin as the source environment runs it (its committed versions file), to refuse
   * a migration level that only exists in an uncommitted edit. Undefined: no git history to ask.
   */
  committedSourcePin?(app: PinGroup, pin: string): string | undefined;
  /** Throws a RenderError when the target cannot run `version` (a platform model's release range). */
  checkPin?(group: PinGroup, pin: string, version: string): void;
}

/** Throws a RenderError naming the group and field. */
export type Refuse = (group: string, field: string, message: string) => never;

/** Group → the selected pins (undefined: all of the group's pins). */
export type PinSelection = Map<string, readonly string[] | undefined>;

/** The versions file field of a group or pin: `apps.hello.image`, `platform.metallb`. */
export function pinField(group: string, pin?: string): string {
  const base = group === PLATFORM ? PLATFORM : `apps.${group}`;
  return pin === undefined ? base : `${base}.${pin}`;
}

/**
 * Reads `[app | platform | platform/<pin>]…`. App pins move together (images with the
 * migration level they need), so an app is selected whole; platform pins are independent
 * upstream releases and may be selected one by one. Empty: `all` (the groups to take by default).
 */
export function selectPins(selectors: readonly string[], all: readonly string[], refuse: Refuse): PinSelection {
  const selection: PinSelection = new Map();
  if (selectors.length === 0) {
    for (const group of [...all].sort()) selection.set(group, undefined);
    return selection;
  }
  const known = `apps: ${Object.keys(PIN_SCHEMES).join(', ')}; or ${PLATFORM}, ${PLATFORM}/<pin>`;
  for (const selector of [...new Set(selectors)].sort()) {
    const [group, pin, ...rest] = selector.split('/');
    if (!isPinGroup(group) || rest.length > 0) refuse(group, pinField(group), `"${selector}" is not an app of this repository (${known})`);
    if (pin === undefined) {
      selection.set(group, undefined);
      continue;
    }
    if (group !== PLATFORM) refuse(group, pinField(group, pin), `select ${group} as a whole, not ${selector}: an app's pins move together`);
    if (!Object.hasOwn(PLATFORM_PIN_SCHEMES, pin)) refuse(group, pinField(group, pin), `"${pin}" is not a platform pin (${Object.keys(PLATFORM_PIN_SCHEMES).join(', ')})`);
    const already = selection.get(group);
    if (selection.has(group) && already === undefined) continue;
    selection.set(group, [...(already ?? []), pin].sort());
  }
  return selection;
}

export interface PromotionPlan {
  pins: PinMap;
  changes: PinChange[];
}

/** The new target pins. Throws a RenderError naming the app, pin and rule on the first refusal. */
export function planPromotion(source: PinMap, target: PinMap, o: PromotionOptions): PromotionPlan {
  const file = `environments/${o.to}.versions.json`;
  const refuse: Refuse = (group, field, message) => {
    throw new RenderError({ env: o.to, component: group, file, field }, message);
  };
  const shared = Object.keys(source).filter((group) => group in target);
  const pins: PinMap = structuredClone(target);
  const changes: PinChange[] = [];
  for (const [app, only] of selectPins(o.apps, shared, refuse)) {
    if (!isPinGroup(app)) refuse(app, pinField(app), `"${app}" is not an app of this repository`);
    if (!(app in source)) refuse(app, pinField(app), `cannot promote ${app}: it does not exist in ${o.from}`);
    if (!(app in target)) {
      refuse(app, pinField(app), app === PLATFORM
        ? `${o.to} pins no platform versions: add a "platform" section to ${file} first`
        : `${app} is not deployed in ${o.to}: add it to environments/${o.to}.ts (with its values) before promoting versions to it`);
    }
    for (const pin of only ?? Object.keys(source[app]).sort()) {
      const from = target[app][pin];
      const to = source[app][pin];
      const scheme = schemeOf(app, pin)!;
      const field = pinField(app, pin);
      if (scheme === 'migration' && isAppName(app)) {
        if (!o.migrationExists(app, to)) refuse(app, field, `${o.from} pins migration ${to}, but apps/${app}/migrations/${to}.sql does not exist: it cannot have been applied in ${o.from}`);
        const committed = o.committedSourcePin?.(app, pin);
        if (committed !== undefined && committed !== to) {
          refuse(app, field, `${o.from}'s migration level ${to} is not committed yet (${o.from} runs ${committed}): merge it to ${o.from} and let it apply there before promoting`);
        }
      }
      if (from === to) continue;
      const order = compareWith(scheme, from, to);
      if ('cmp' in order) {
        if (order.cmp < 0) refuse(app, field, `refusing to downgrade ${app} ${pin} in ${o.to} from ${from} to ${to} (${o.from} is behind ${o.to}); use --revert to roll back`);
        if (order.majorFrom !== undefined && order.majorTo !== undefined && order.majorTo - order.majorFrom > 1 && !o.allowMajor) {
          refuse(app, field, `${app} ${pin} ${from} → ${to} skips major version(s) ${order.majorFrom + 1}–${order.majorTo - 1}; pass --allow-major if that is intended`);
        }
      } else if (!order.unordered.startsWith('build ids') && !order.unordered.startsWith('same version')) {
        refuse(app, field, `${app} ${pin}: ${order.unordered}`);
      }
      o.checkPin?.(app, pin, to);
      pins[app][pin] = to;
      changes.push({ app, pin, from, to });
    }
  }
  return { pins, changes };
}

export function formatChanges(changes: readonly PinChange[]): string[] {
  return changes.map((c) => `${c.app} ${c.pin}: ${c.from} → ${c.to}`);
}

/** Markdown table of pin changes, for PR bodies. */
export function changesTable(changes: readonly PinChange[]): string {
  if (changes.length === 0) return '_No pinned version changes._\n';
  const rows = changes.map((c) => `| ${c.app} | ${c.pin} | \`${c.from}\` | \`${c.to}\` |`);
  return ['| App or platform | Pin | From | To |', '| --- | --- | --- | --- |', ...rows, ''].join('\n');
}
