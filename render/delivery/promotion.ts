// Promotion as data: the target's pins become the source's, app by app, unless a rule refuses.
// Pure (no I/O except the `migrationExists` probe handed in), so every refusal is unit-testable.
import { RenderError } from '../types.ts';
import { compareWith } from './order.ts';
import { isAppName, schemeOf, type AppName } from './pins.ts';
import type { PinMap } from './versions-file.ts';

export interface PinChange {
  app: AppName;
  pin: string;
  from: string;
  to: string;
}

export interface PromotionOptions {
  from: string;
  to: string;
  /** Apps to promote; empty = every app the two environments share. */
  apps: readonly string[];
  allowMajor: boolean;
  /** `apps/<app>/migrations/<stem>.sql` exists. */
  migrationExists(app: AppName, stem: string): boolean;
  /**
   * The source's pin as the source environment runs it (its committed versions file), to refuse
   * a migration level that only exists in an uncommitted edit. Undefined: no git history to ask.
   */
  committedSourcePin?(app: AppName, pin: string): string | undefined;
}

export interface PromotionPlan {
  pins: PinMap;
  changes: PinChange[];
}

/** The new target pins. Throws a RenderError naming the app, pin and rule on the first refusal. */
export function planPromotion(source: PinMap, target: PinMap, o: PromotionOptions): PromotionPlan {
  const file = `environments/${o.to}.versions.json`;
  const refuse = (app: string, field: string, message: string): never => {
    throw new RenderError({ env: o.to, component: app, file, field }, message);
  };
  const shared = Object.keys(source).filter((a) => a in target);
  const apps = o.apps.length ? [...new Set(o.apps)].sort() : shared.sort();
  const pins: PinMap = structuredClone(target);
  const changes: PinChange[] = [];
  for (const app of apps) {
    if (!isAppName(app)) refuse(app, `apps.${app}`, `"${app}" is not an app of this repository`);
    if (!(app in source)) refuse(app, `apps.${app}`, `cannot promote ${app}: it does not exist in ${o.from}`);
    if (!(app in target)) refuse(app, `apps.${app}`, `${app} is not deployed in ${o.to}: add it to environments/${o.to}.ts (with its values) before promoting versions to it`);
    const name = app as AppName;
    for (const pin of Object.keys(source[app]).sort()) {
      const from = target[app][pin];
      const to = source[app][pin];
      const scheme = schemeOf(name, pin)!;
      const field = `apps.${app}.${pin}`;
      if (scheme === 'migration') {
        if (!o.migrationExists(name, to)) refuse(app, field, `${o.from} pins migration ${to}, but apps/${app}/migrations/${to}.sql does not exist: it cannot have been applied in ${o.from}`);
        const committed = o.committedSourcePin?.(name, pin);
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
      pins[app][pin] = to;
      changes.push({ app: name, pin, from, to });
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
  return ['| App | Pin | From | To |', '| --- | --- | --- | --- |', ...rows, ''].join('\n');
}
