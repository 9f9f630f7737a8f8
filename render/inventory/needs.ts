// What an object needs from the cluster before it can work, read from its plain JSON: the
// Secrets, ConfigMaps (and keys), ServiceAccount, claims and PriorityClass of its pods, and the
// Secrets that Traefik and Argo CD objects name. The secret inventory and the convergence
// proof both start here.
import type { KubeObject } from '../types.ts';

export type NeedKind = 'Secret' | 'ConfigMap' | 'ServiceAccount' | 'PersistentVolumeClaim' | 'PriorityClass';

export interface Need {
  kind: NeedKind;
  name: string;
  /** The keys read; empty = the whole object (envFrom, a volume without items). */
  keys: string[];
  /** Field of the reference inside the object, e.g. `spec.template.spec.containers[0].env[1]`. */
  field: string;
  /**
   * start: pods cannot start without it (CreateContainerConfigError / ContainerCreating);
   * feature: the object applies, but the feature it configures fails until it exists.
   */
  blocks: 'start' | 'feature';
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Built in: needs no object of ours. */
const BUILTIN_PRIORITY_CLASSES = new Set(['system-cluster-critical', 'system-node-critical']);

export interface PodTemplateRef {
  spec: Json;
  specPath: string;
  /** volumeClaimTemplates' names: claims the StatefulSet creates itself. */
  claimTemplates: { name: string; storageClassName?: string }[];
}

const TEMPLATE_KINDS = new Set(['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'ReplicationController']);

export function podTemplate(o: KubeObject): PodTemplateRef | undefined {
  const spec = obj(o.spec);
  if (!spec) return undefined;
  if (o.kind === 'Pod') return { spec, specPath: 'spec', claimTemplates: [] };
  if (o.kind === 'CronJob') {
    const pod = obj(obj(obj(obj(spec.jobTemplate)?.spec)?.template)?.spec);
    return pod ? { spec: pod, specPath: 'spec.jobTemplate.spec.template.spec', claimTemplates: [] } : undefined;
  }
  if (!TEMPLATE_KINDS.has(o.kind)) return undefined;
  const pod = obj(obj(spec.template)?.spec);
  if (!pod) return undefined;
  const claimTemplates = arr(spec.volumeClaimTemplates).flatMap((t) => {
    const name = str(obj(obj(t)?.metadata)?.name);
    const cls = str(obj(obj(t)?.spec)?.storageClassName);
    return name ? [{ name, ...(cls ? { storageClassName: cls } : {}) }] : [];
  });
  return { spec: pod, specPath: 'spec.template.spec', claimTemplates };
}

/** Everything `o` needs by name, in field order. Optional references are left out. */
export function needsOf(o: KubeObject): Need[] {
  const out: Need[] = [];
  const tpl = podTemplate(o);
  if (tpl) podNeeds(tpl, out);
  const spec = obj(o.spec);
  if (!spec) return out;
  const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
  const feature = (name: unknown, field: string, keys: string[] = []) => {
    const n = str(name);
    if (n) out.push({ kind: 'Secret', name: n, keys, field, blocks: 'feature' });
  };
  if (group === 'traefik.io' && o.kind === 'Middleware') {
    // Traefik reads htpasswd lines from the key `users`.
    feature(obj(spec.basicAuth)?.secret, 'spec.basicAuth.secret', ['users']);
    feature(obj(spec.digestAuth)?.secret, 'spec.digestAuth.secret', ['users']);
  }
  if (group === 'traefik.io' && (o.kind === 'IngressRoute' || o.kind === 'IngressRouteTCP')) feature(obj(spec.tls)?.secretName, 'spec.tls.secretName');
  if (group === 'networking.k8s.io' && o.kind === 'Ingress') arr(spec.tls).forEach((t, i) => feature(obj(t)?.secretName, `spec.tls[${i}].secretName`));
  if (group === 'velero.io' && o.kind === 'BackupStorageLocation') {
    // The chart's server and node-agent mount this Secret (`credentials.existingSecret`): without
    // it their pods never start, so Velero's Application never becomes Healthy.
    const ref = obj(spec.credential);
    const n = str(ref?.name);
    if (n) out.push({ kind: 'Secret', name: n, keys: str(ref?.key) ? [ref!.key as string] : [], field: 'spec.credential', blocks: 'start' });
  }
  if (group === 'monitoring.coreos.com' && o.kind === 'AlertmanagerConfig') {
    // Where alerts are posted: the config applies, but the operator drops a receiver whose
    // Secret is missing — the alerts go nowhere until it is sealed.
    arr(spec.receivers).forEach((r, i) => {
      for (const [list, field] of [['slackConfigs', 'apiURL'], ['webhookConfigs', 'urlSecret'], ['msteamsConfigs', 'webhookUrl'], ['discordConfigs', 'apiURL']] as const) {
        arr(obj(r)?.[list]).forEach((c, j) => {
          const ref = obj(obj(c)?.[field]);
          feature(ref?.name, `spec.receivers[${i}].${list}[${j}].${field}`, str(ref?.key) ? [ref!.key as string] : []);
        });
      }
    });
  }
  if (group === 'argoproj.io' && o.kind === 'ApplicationSet') {
    arr(spec.generators).forEach((g, i) => {
      for (const [kind, provider] of Object.entries(obj(g) ?? {})) {
        for (const [host, cfg] of Object.entries(obj(provider) ?? {})) {
          const c = obj(cfg);
          if (!c) continue;
          const base = `spec.generators[${i}].${kind}.${host}`;
          // A GitHub App's credentials in Argo CD's repo-creds layout.
          feature(c.appSecretName, `${base}.appSecretName`, ['githubAppID', 'githubAppInstallationID', 'githubAppPrivateKey']);
          const token = obj(c.tokenRef);
          feature(token?.secretName, `${base}.tokenRef.secretName`, str(token?.key) ? [token!.key as string] : []);
        }
      }
    });
  }
  return out;
}

function podNeeds(tpl: PodTemplateRef, out: Need[]): void {
  const { spec, specPath } = tpl;
  const ref = (kind: 'Secret' | 'ConfigMap', r: Json | undefined, nameField: string, field: string, keys: string[]) => {
    const name = str(r?.[nameField]);
    if (name && r?.optional !== true) out.push({ kind, name, keys, field, blocks: 'start' });
  };
  for (const list of ['initContainers', 'containers'] as const) {
    arr(spec[list]).forEach((c, i) => {
      const path = `${specPath}.${list}[${i}]`;
      arr(obj(c)?.env).forEach((e, j) => {
        const from = obj(obj(e)?.valueFrom);
        const s = obj(from?.secretKeyRef);
        if (s) ref('Secret', s, 'name', `${path}.env[${j}]`, str(s.key) ? [s.key as string] : []);
        const m = obj(from?.configMapKeyRef);
        if (m) ref('ConfigMap', m, 'name', `${path}.env[${j}]`, str(m.key) ? [m.key as string] : []);
      });
      arr(obj(c)?.envFrom).forEach((e, j) => {
        ref('Secret', obj(obj(e)?.secretRef), 'name', `${path}.envFrom[${j}]`, []);
        ref('ConfigMap', obj(obj(e)?.configMapRef), 'name', `${path}.envFrom[${j}]`, []);
      });
    });
  }
  const itemKeys = (src: Json) => arr(src.items).flatMap((it) => (str(obj(it)?.key) ? [obj(it)!.key as string] : []));
  arr(spec.volumes).forEach((v, i) => {
    const vol = obj(v) ?? {};
    const path = `${specPath}.volumes[${i}]`;
    const s = obj(vol.secret);
    if (s) ref('Secret', s, 'secretName', `${path}.secret`, itemKeys(s));
    const m = obj(vol.configMap);
    if (m) ref('ConfigMap', m, 'name', `${path}.configMap`, itemKeys(m));
    arr(obj(vol.projected)?.sources).forEach((p, j) => {
      const ps = obj(obj(p)?.secret);
      if (ps) ref('Secret', ps, 'name', `${path}.projected.sources[${j}].secret`, itemKeys(ps));
      const pm = obj(obj(p)?.configMap);
      if (pm) ref('ConfigMap', pm, 'name', `${path}.projected.sources[${j}].configMap`, itemKeys(pm));
    });
    const claim = str(obj(vol.persistentVolumeClaim)?.claimName);
    if (claim && !tpl.claimTemplates.some((t) => t.name === claim)) {
      out.push({ kind: 'PersistentVolumeClaim', name: claim, keys: [], field: `${path}.persistentVolumeClaim.claimName`, blocks: 'start' });
    }
  });
  arr(spec.imagePullSecrets).forEach((s, i) => {
    const name = str(obj(s)?.name);
    if (name) out.push({ kind: 'Secret', name, keys: [], field: `${specPath}.imagePullSecrets[${i}]`, blocks: 'start' });
  });
  const sa = str(spec.serviceAccountName) ?? str(spec.serviceAccount);
  if (sa && sa !== 'default') out.push({ kind: 'ServiceAccount', name: sa, keys: [], field: `${specPath}.serviceAccountName`, blocks: 'start' });
  const pc = str(spec.priorityClassName);
  if (pc && !BUILTIN_PRIORITY_CLASSES.has(pc)) out.push({ kind: 'PriorityClass', name: pc, keys: [], field: `${specPath}.priorityClassName`, blocks: 'start' });
}
