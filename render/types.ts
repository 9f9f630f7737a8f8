// The contracts between models and the pipeline. Models depend on this file; it depends on nothing.

/** Labels and annotations as Kubernetes stores them: strings only. */
export type StringMap = Record<string, string>;

export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: StringMap;
  annotations?: StringMap;
  [field: string]: unknown;
}

/** Any Kubernetes object as plain JSON, the shape the validator and the serializer see. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

/**
 * What a model returns: a plain object typed by its kind (platform/kinds.ts, the kubernetes-models
 * interfaces), or a Model instance (it has `toJSON()` and a schema `validate()`) for the custom
 * resources we type ourselves (platform/custom-resource.ts: MetalLB, Velero).
 */
export interface ModelInstance {
  readonly apiVersion?: string;
  readonly kind?: string;
  toJSON(): unknown;
}
/** A plain object of a typed kind; `metadata.name` is checked when the pipeline takes it. */
export interface TypedObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata?: { readonly name?: string; readonly namespace?: string };
}
export type Resource = ModelInstance | KubeObject | TypedObject;

/** Manifests Argo CD reads straight from an upstream release at a pinned tag (CRDs, Argo CD itself). */
export interface UpstreamSource {
  /** Short label used in Application names: `<component>-<label>`. */
  label: string;
  repoURL: string;
  targetRevision: string;
  /** Path inside a Git repository (omit for a Helm repository chart). */
  path?: string;
  /** Chart name in a Helm repository (repoURL is then the Helm repo). */
  chart?: string;
  /** Helm values, for a chart source. */
  helmValues?: Record<string, unknown>;
  /** Leave the chart's `crds/` folder out (the CRDs come from another source). */
  skipCrds?: boolean;
  /** Namespace the upstream objects go to, when it differs from the component's. */
  namespace?: string;
  /** Plain directory of manifests: which files to take. */
  include?: string;
  /** API groups whose CRDs this source installs: objects of these groups sync after it (render/converge/). */
  crdGroups?: string[];
  /** The path is a kustomization (Argo CD runs kustomize on it). */
  kustomize?: boolean;
  /** The CRDs are large: apply them server-side (last-applied annotation would overflow). */
  serverSideApply?: boolean;
  ignoreDifferences?: IgnoreDifference[];
}

export interface IgnoreDifference {
  group: string;
  kind: string;
  name?: string;
  namespace?: string;
  jsonPointers?: string[];
  jqPathExpressions?: string[];
}

/**
 * One Argo CD Application's worth of objects: rendered to `rendered/<env>/<name>/`.
 * A component is produced by a plain function of typed inputs (see platform/ and apps/).
 */
export interface Component {
  /** Folder under rendered/<env>/ and the Argo CD Application name (DNS-1123 label). */
  name: string;
  /** Namespace the component's namespaced objects live in (Argo CD destination). */
  namespace: string;
  layer: 'platform' | 'app';
  /** Order of this component's Application inside the app-of-apps (lower first). */
  syncWave: number;
  resources: Resource[];
  /** Upstream manifests at a pinned tag, synced as `<name>-<label>` one wave earlier. */
  upstream?: UpstreamSource[];
  ignoreDifferences?: IgnoreDifference[];
  /**
   * Objects that exist in the cluster without being rendered here — created at runtime by a
   * controller (MetalLB's memberlist Secret) or by an upstream source (Argo CD's argocd-server
   * Service) — declared so that references to them resolve during validation.
   */
  runtimeObjects?: KubeObject[];
}

/**
 * On a runtime object (`Component.runtimeObjects`) of kind Secret: who creates it in the cluster,
 * e.g. `the MetalLB controller`. The value `environment` only declares that a model reads it and
 * the environment must provide it (a SealedSecret, see render/inventory/).
 */
export const PROVIDED_BY_ANNOTATION = 'secrets.gitops/provided-by';
/** On such a declaration: JSON `{ key: { namespace, secret, key } }`, keys holding another Secret's value. */
export const SAME_AS_ANNOTATION = 'secrets.gitops/same-as';

/** A user mistake or a broken invariant: printed without a stack trace, exit 1. */
export class RenderError extends Error {
  readonly where: ErrorLocation;
  constructor(where: ErrorLocation, message: string) {
    super(message);
    this.name = 'RenderError';
    this.where = where;
  }
  /** `env dev › component metallb › IPAddressPool/default › spec.addresses[0]: message` */
  describe(): string {
    const w = this.where;
    const parts: string[] = [];
    if (w.env) parts.push(`env ${w.env}`);
    if (w.component) parts.push(`component ${w.component}`);
    if (w.resource) parts.push(w.resource);
    if (w.field) parts.push(w.field);
    if (w.file) parts.push(w.line ? `${w.file}:${w.line}` : w.file);
    return parts.length ? `${parts.join(' › ')}: ${this.message}` : this.message;
  }
}

export interface ErrorLocation {
  env?: string;
  component?: string;
  /** `Kind/name` or `Kind/namespace/name`. */
  resource?: string;
  /** Field path, e.g. `spec.template.spec.containers[0].image`. */
  field?: string;
  file?: string;
  line?: number;
}
