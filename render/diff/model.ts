// The shapes a semantic diff is made of: two sets of rendered objects in, one report out.
import type { KubeObject } from '../types.ts';

/** One object as it sits in rendered/<env>/<component>/… on one side of the diff. */
export interface SideObject {
  env: string;
  /** First path segment under rendered/<env>/: the Argo CD Application that syncs the object. */
  component: string;
  /** Path below rendered/<env>/. */
  path: string;
  object: KubeObject;
}

/** Every rendered object of one git ref (or of the working tree). */
export interface RenderedSide {
  /** Human label: a ref name, a short SHA or `working tree`. */
  label: string;
  /** False when the ref predates the render pipeline (no rendered/ directory). */
  hasRendered: boolean;
  objects: SideObject[];
}

/** Facts about an environment the review needs (from environments/*.ts). */
export interface EnvReviewFacts {
  /** Policy is strict here (production): single-replica restarts count as downtime. */
  strictPolicy: boolean;
}

export type RiskClass = 'breaks-sync' | 'data-at-risk' | 'downtime-risk' | 'restarts';

/** Most severe first: the order the summary lists them in. */
export const RISK_CLASSES: readonly RiskClass[] = ['breaks-sync', 'data-at-risk', 'downtime-risk', 'restarts'];

export const RISK_LABEL: Record<RiskClass, string> = {
  'breaks-sync': 'breaks sync',
  'data-at-risk': 'data at risk',
  'downtime-risk': 'downtime risk',
  restarts: 'restarts',
};

export interface Risk {
  class: RiskClass;
  /** A sentence a reviewer understands, naming the field and what will happen. */
  reason: string;
  /** Field path the risk is about, when there is one. */
  field?: string;
}

export type Action = 'added' | 'removed' | 'changed';

/** One field that differs, values already redacted. `undefined` = absent on that side. */
export interface FieldChange {
  path: string;
  before?: unknown;
  after?: unknown;
}

export interface ImageChange {
  container: string;
  from: string;
  to: string;
}

export interface ObjectDiff {
  env: string;
  /** Application (component) the object belongs to on the head side, else the base side. */
  app: string;
  /** Set when the object moved between Applications: the base side's Application. */
  movedFrom?: string;
  action: Action;
  group: string;
  kind: string;
  namespace?: string;
  name: string;
  /** `Kind/namespace/name` or `Kind/name`. */
  id: string;
  basePath?: string;
  headPath?: string;
  /** Minimal field-level changes (changed objects; empty for added/removed). */
  fields: FieldChange[];
  /** Secret-like keys whose value changed, was added or removed (values never shown). */
  redactedKeys: string[];
  /** Unified YAML hunks (redacted), `---`/`+++` headers omitted. */
  hunks: string;
  images: ImageChange[];
  risks: Risk[];
}

export interface AppDiff {
  env: string;
  name: string;
  /** The whole Application appears or disappears with this change. */
  status: 'added' | 'removed' | 'changed';
  /** Risks of the Application as a whole (removed, renamed). */
  risks: Risk[];
  objects: ObjectDiff[];
}

export interface EnvDiff {
  env: string;
  status: 'added' | 'removed' | 'changed';
  apps: AppDiff[];
}

export interface CountByAction {
  added: number;
  removed: number;
  changed: number;
}

export interface DiffReport {
  base: string;
  head: string;
  /** The base had no rendered/ (older than the pipeline): everything counts as added. */
  baseWithoutRendered: boolean;
  envs: EnvDiff[];
  totals: CountByAction;
  /** env → kind → counts. */
  byKind: Record<string, Record<string, CountByAction>>;
  riskCounts: Record<RiskClass, number>;
}
