// Rollout-safety review: what each change will do to a running cluster when Argo CD syncs it,
// in words a reviewer can act on. Rules read plain objects; environment differences come in as
// facts (strictPolicy), never as environment names.
import type { KubeObject } from '../types.ts';
import { changedAt, deepEqual, isUnder, show } from './fields.ts';
import { RISK_CLASSES, type EnvReviewFacts, type FieldChange, type ImageChange, type Risk } from './model.ts';
import { parseQuantity } from './quantity.ts';
import {
  ROLLING_KINDS, annotationKeyOf, containers, effectiveReplicas, get, imageChanges, isChecksumAnnotation, matchLabels, podTemplate, referencedConfig, selects, templatePath,
} from './workload.ts';
import { zeroDowntimeRisks } from './zero-downtime.ts';

export interface ChangeUnderReview {
  action: 'added' | 'removed' | 'changed';
  app: string;
  movedFrom?: string;
  base?: KubeObject;
  head?: KubeObject;
  fields: FieldChange[];
}

export interface EnvUnderReview {
  env: string;
  facts: EnvReviewFacts;
  baseObjects: KubeObject[];
  headObjects: KubeObject[];
  /** `Kind/namespace/name` of ConfigMaps and Secrets whose content changed in this environment. */
  changedConfig: ReadonlySet<string>;
  /** Applications whose whole folder disappears (reported once, at the application). */
  removedApps: ReadonlySet<string>;
  /** Objects per Application on the base side (what Argo CD would prune). */
  baseObjectsPerApp: ReadonlyMap<string, number>;
}

const STATEFUL_KINDS = new Set(['PersistentVolumeClaim', 'StatefulSet', 'Namespace', 'CustomResourceDefinition', 'PersistentVolume']);

export function classify(change: ChangeUnderReview, env: EnvUnderReview): Risk[] {
  const risks: Risk[] = [];
  const o = change.head ?? change.base;
  if (!o) return risks;
  if (change.action === 'removed' && change.base) risks.push(...removalRisks(change.base, env));
  if (change.movedFrom !== undefined && STATEFUL_KINDS.has(o.kind)) {
    risks.push({
      class: 'data-at-risk',
      reason: `moves from Application ${change.movedFrom} to ${change.app}: Argo CD deletes it with the old Application and creates it again under the new one`,
    });
  }
  if (change.action === 'changed' && change.base && change.head) {
    risks.push(...immutableFieldRisks(change.base, change.head, change.fields));
    risks.push(...retentionRisks(change.base, change.head, change.fields));
    risks.push(...rolloutRisks(change.base, change.head, change.fields, env));
    risks.push(...serviceSelectorRisks(change.base, change.head, env));
  }
  risks.push(...zeroDowntimeRisks(change, env));
  return risks.sort((a, b) => RISK_CLASSES.indexOf(a.class) - RISK_CLASSES.indexOf(b.class));
}

function changedUnder(fields: FieldChange[], prefix: string): FieldChange[] {
  return fields.filter((f) => isUnder(f.path, prefix));
}

function removalRisks(o: KubeObject, env: EnvUnderReview): Risk[] {
  const syncOptions = o.metadata.annotations?.['argocd.argoproj.io/sync-options'] ?? '';
  const kept = /Prune=false/.test(syncOptions) ? ' (it has Prune=false, so Argo CD leaves it behind unmanaged; deleting its Application can still delete it)' : '';
  switch (o.kind) {
    case 'PersistentVolumeClaim':
      return [{ class: 'data-at-risk', reason: `PersistentVolumeClaim removed: its volume and data are deleted when Argo CD prunes it${kept}` }];
    case 'StatefulSet':
      return [{ class: 'data-at-risk', reason: `StatefulSet removed: its pods stop and its claims follow persistentVolumeClaimRetentionPolicy${kept}` }];
    case 'Namespace':
      return [{ class: 'data-at-risk', reason: `Namespace removed: deleting it deletes every object inside, PersistentVolumeClaims included${kept}` }];
    case 'CustomResourceDefinition':
      return [{ class: 'data-at-risk', reason: `CustomResourceDefinition removed: deleting it deletes every custom resource of that kind in the cluster${kept}` }];
    case 'PersistentVolume':
      return [{ class: 'data-at-risk', reason: `PersistentVolume removed: with reclaim policy ${show(get(o, 'spec.persistentVolumeReclaimPolicy'))} its data may be deleted${kept}` }];
    case 'Application': {
      if (!o.apiVersion.startsWith('argoproj.io/') || env.removedApps.has(o.metadata.name)) return [];
      const n = env.baseObjectsPerApp.get(o.metadata.name);
      const what = n === undefined ? 'every object it manages' : plural(n, 'object', 'it manages');
      return [{ class: 'data-at-risk', reason: `Application ${o.metadata.name} removed: Argo CD prunes ${what}` }];
    }
    default:
      return [];
  }
}

function immutableFieldRisks(base: KubeObject, head: KubeObject, fields: FieldChange[]): Risk[] {
  const risks: Risk[] = [];
  const immutable = (field: string, why: string) => {
    if (changedAt(base, head, fields, field)) {
      risks.push({ class: 'breaks-sync', field, reason: `${field} is immutable on a ${head.kind}: ${why}` });
    }
  };
  const recreate = 'the sync fails with "field is immutable" until the object is deleted and recreated';
  if (ROLLING_KINDS.has(head.kind) || head.kind === 'ReplicaSet' || head.kind === 'Job') immutable('spec.selector', recreate);
  if (head.kind === 'StatefulSet') {
    immutable('spec.volumeClaimTemplates', `${recreate} (existing claims keep their old size and class)`);
    immutable('spec.serviceName', recreate);
    immutable('spec.podManagementPolicy', recreate);
  }
  if (head.kind === 'Service') {
    for (const field of ['spec.clusterIP', 'spec.clusterIPs']) {
      const b = get(base, field);
      const h = get(head, field);
      if (!deepEqual(b, h) && (b !== undefined || h !== undefined)) {
        risks.push({ class: 'breaks-sync', field, reason: `${field} is immutable on a Service (${show(b)} → ${show(h)}): ${recreate}` });
      }
    }
  }
  if (head.kind === 'Job' && changedAt(base, head, fields, 'spec.template') && !recreatedBySync(head)) {
    risks.push({ class: 'breaks-sync', field: 'spec.template', reason: `a Job's pod template is immutable: ${recreate}; make it a hook with hook-delete-policy BeforeHookCreation or give it a new name` });
  }
  if (head.kind === 'PersistentVolumeClaim') {
    immutable('spec.storageClassName', `${recreate}, which loses the data`);
    immutable('spec.accessModes', `${recreate}, which loses the data`);
    const b = parseQuantity(get(base, 'spec.resources.requests.storage'));
    const h = parseQuantity(get(head, 'spec.resources.requests.storage'));
    if (b !== undefined && h !== undefined && h < b) {
      risks.push({
        class: 'breaks-sync',
        field: 'spec.resources.requests.storage',
        reason: `PersistentVolumeClaim size decreased (${show(get(base, 'spec.resources.requests.storage'))} → ${show(get(head, 'spec.resources.requests.storage'))}): volumes can only grow, the sync fails`,
      });
    }
  }
  if (head.kind === 'StorageClass') {
    for (const field of ['provisioner', 'parameters', 'reclaimPolicy', 'volumeBindingMode']) {
      immutable(field, 'a StorageClass must be deleted and recreated to change it');
    }
  }
  return risks;
}

/** Hooks recreated before each sync, or objects synced with Replace/Force, may change anything. */
function recreatedBySync(o: KubeObject): boolean {
  const a = o.metadata.annotations ?? {};
  return /BeforeHookCreation/.test(a['argocd.argoproj.io/hook-delete-policy'] ?? '') ||
    /(Replace|Force)=true/.test(a['argocd.argoproj.io/sync-options'] ?? '') ||
    a['helm.sh/hook-delete-policy']?.includes('before-hook-creation') === true;
}

function retentionRisks(base: KubeObject, head: KubeObject, fields: FieldChange[]): Risk[] {
  const risks: Risk[] = [];
  if (head.kind === 'StorageClass' && changedAt(base, head, fields, 'reclaimPolicy')) {
    risks.push({ class: 'data-at-risk', field: 'reclaimPolicy', reason: `reclaim policy ${show(get(base, 'reclaimPolicy') ?? 'Delete')} → ${show(get(head, 'reclaimPolicy') ?? 'Delete')}: decides whether a volume's data survives its claim` });
  }
  if (head.kind === 'StorageClass' && changedAt(base, head, fields, 'parameters.archiveOnDelete')) {
    risks.push({ class: 'data-at-risk', field: 'parameters.archiveOnDelete', reason: `archiveOnDelete ${show(get(base, 'parameters.archiveOnDelete'))} → ${show(get(head, 'parameters.archiveOnDelete'))}: decides whether deleted volumes are archived or removed` });
  }
  if (head.kind === 'PersistentVolume' && changedAt(base, head, fields, 'spec.persistentVolumeReclaimPolicy')) {
    risks.push({ class: 'data-at-risk', field: 'spec.persistentVolumeReclaimPolicy', reason: `reclaim policy ${show(get(base, 'spec.persistentVolumeReclaimPolicy'))} → ${show(get(head, 'spec.persistentVolumeReclaimPolicy'))}` });
  }
  if (head.kind === 'StatefulSet' && changedAt(base, head, fields, 'spec.persistentVolumeClaimRetentionPolicy')) {
    risks.push({ class: 'data-at-risk', field: 'spec.persistentVolumeClaimRetentionPolicy', reason: `claim retention ${show(get(base, 'spec.persistentVolumeClaimRetentionPolicy'))} → ${show(get(head, 'spec.persistentVolumeClaimRetentionPolicy'))}: decides whether claims are deleted with the StatefulSet or on scale-down` });
  }
  const protects = (o: KubeObject) => /Delete=false/.test(o.metadata.annotations?.['argocd.argoproj.io/sync-options'] ?? '') && /Prune=false/.test(o.metadata.annotations?.['argocd.argoproj.io/sync-options'] ?? '');
  if ((head.kind === 'PersistentVolumeClaim' || head.kind === 'StatefulSet') && protects(base) && !protects(head)) {
    risks.push({ class: 'data-at-risk', field: 'metadata.annotations', reason: 'sync-options Prune=false,Delete=false removed: Argo CD may now delete the data when the object or its Application goes away' });
  }
  return risks;
}

function rolloutRisks(base: KubeObject, head: KubeObject, fields: FieldChange[], env: EnvUnderReview): Risk[] {
  const risks: Risk[] = [];
  if (!ROLLING_KINDS.has(head.kind)) return risks;
  const tpl = templatePath(head.kind) ?? 'spec.template';
  const templateChanges = changedUnder(fields, tpl);
  const restarts = changedAt(base, head, fields, tpl);
  const r = effectiveReplicas(head, env.headObjects);
  if (restarts) {
    risks.push({ class: 'restarts', field: tpl, reason: restartReason(base, head, templateChanges, env) });
    if (head.kind !== 'DaemonSet' && r <= 1 && env.facts.strictPolicy) {
      risks.push({ class: 'downtime-risk', field: 'spec.replicas', reason: `single replica restarted in ${env.env} (strict environment): the old pod stops before or while the new one becomes ready` });
    }
    if (head.kind === 'Deployment' && get(head, 'spec.strategy.type') === 'Recreate' && get(base, 'spec.strategy.type') === 'Recreate') {
      risks.push({ class: 'downtime-risk', field: 'spec.strategy.type', reason: 'strategy Recreate: every pod stops before the new ones start' });
    }
  }
  const was = effectiveReplicas(base, env.baseObjects);
  if (head.kind !== 'DaemonSet' && r === 0 && was > 0) {
    risks.push({ class: 'downtime-risk', field: 'spec.replicas', reason: `scaled to 0 replicas (was ${was})` });
  }
  const muPath = head.kind === 'Deployment' ? 'spec.strategy.rollingUpdate.maxUnavailable' : 'spec.updateStrategy.rollingUpdate.maxUnavailable';
  const mu = get(head, muPath);
  if (mu !== undefined && (restarts || changedAt(base, head, fields, muPath) || changedAt(base, head, fields, 'spec.replicas'))) {
    const total = head.kind === 'DaemonSet' ? undefined : r;
    if (allowsAllDown(mu, total)) {
      risks.push({ class: 'downtime-risk', field: muPath, reason: `maxUnavailable ${show(mu)}${total === undefined ? '' : ` with ${total} replica(s)`} lets every pod be down at once during a rollout` });
    }
  }
  const before = containers(base);
  for (const c of containers(head)) {
    const prev = before.find((b) => b.name === c.name);
    if (prev && prev.readinessProbe !== undefined && c.readinessProbe === undefined) {
      risks.push({ class: 'downtime-risk', field: `${tpl}.spec.containers[${c.name}].readinessProbe`, reason: `readiness probe removed from container ${c.name}: pods receive traffic before they are ready` });
    }
  }
  return risks;
}

function allowsAllDown(mu: unknown, total: number | undefined): boolean {
  if (typeof mu === 'string' && mu.endsWith('%')) {
    const pct = Number(mu.slice(0, -1));
    if (total === undefined) return pct >= 100;
    return total > 0 && Math.floor((total * pct) / 100) >= total;
  }
  if (typeof mu === 'number') return total !== undefined && total > 0 && mu >= total;
  return false;
}

function restartReason(base: KubeObject, head: KubeObject, changes: FieldChange[], env: EnvUnderReview): string {
  const images = imageChanges(base, head);
  const parts: string[] = [];
  if (images.length > 0) parts.push(images.map(describeImage).join(', '));
  const checksum = changes.filter((c) => isChecksumAnnotation(annotationKeyOf(c.path) ?? ''));
  if (checksum.length > 0) {
    const configs = referencedConfig(head).filter((id) => env.changedConfig.has(id));
    parts.push(configs.length > 0 ? `${configs.join(', ')} changed (checksum annotation)` : 'checksum annotation changed');
  }
  const other = changes.filter((c) => !/\.image$/.test(c.path) && !checksum.includes(c));
  if (other.length > 0) {
    const shown = other.slice(0, 3).map((c) => c.path).join(', ');
    parts.push(`pod template changed: ${shown}${other.length > 3 ? ` and ${other.length - 3} more` : ''}`);
  }
  return `pods roll: ${parts.join('; ')}`;
}

export function describeImage(i: ImageChange): string {
  const [fromRepo, fromTag] = splitImage(i.from);
  const [toRepo, toTag] = splitImage(i.to);
  return fromRepo === toRepo ? `${i.container}: ${fromRepo} ${fromTag} → ${toTag}` : `${i.container}: ${i.from} → ${i.to}`;
}

function splitImage(image: string): [string, string] {
  const at = image.indexOf('@');
  if (at >= 0) return [image.slice(0, at), image.slice(at + 1)];
  const colon = image.lastIndexOf(':');
  return colon > image.lastIndexOf('/') ? [image.slice(0, colon), image.slice(colon + 1)] : [image, 'latest'];
}

function serviceSelectorRisks(base: KubeObject, head: KubeObject, env: EnvUnderReview): Risk[] {
  if (head.kind !== 'Service') return [];
  const before = matchLabels(get(base, 'spec.selector'));
  const after = matchLabels(get(head, 'spec.selector'));
  if (!after || Object.keys(after).length === 0 || deepEqual(before, after)) return [];
  const ns = head.metadata.namespace;
  const podLabels = (objects: KubeObject[]) =>
    objects.filter((o) => o.metadata.namespace === ns && podTemplate(o) !== undefined).map((o) => get(podTemplate(o), 'metadata.labels'));
  const sel = Object.entries(after).map(([k, v]) => `${k}=${v}`).join(',');
  if (!podLabels(env.headObjects).some((l) => selects(after, l))) {
    return [{ class: 'downtime-risk', field: 'spec.selector', reason: `new selector ${sel} matches no pod template in namespace ${ns}: the Service has no endpoints` }];
  }
  if (!podLabels(env.baseObjects).some((l) => selects(after, l))) {
    return [{ class: 'downtime-risk', field: 'spec.selector', reason: `new selector ${sel} matches none of the pods running before the rollout: no endpoints until the new pods are ready` }];
  }
  return [];
}

export function isConfigKind(o: KubeObject): boolean {
  return o.kind === 'ConfigMap' || o.kind === 'Secret' || o.kind === 'SealedSecret';
}


/** `the 1 object it manages` / `the 3 objects it manages`. */
export function plural(n: number, noun: string, rest: string): string {
  return `the ${n} ${noun}${n === 1 ? '' : 's'} ${rest}`;
}
