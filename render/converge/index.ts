// The convergence proof: a static model of how Argo CD syncs an environment's app-of-apps on a
// fresh cluster. The root Application syncs its child Applications wave by wave (lowest first)
// and starts a wave only when every Application of the waves before is Healthy (argocd-cm's
// Application health check, platform/argocd.ts). Inside an Application, Namespaces and CRDs
// apply before the objects that need them. An Application is Healthy only when its workloads
// run, so each pod's Secrets (and keys), ConfigMaps (and keys), ServiceAccount, claims (bound
// through a StorageClass whose provisioner runs), PriorityClass — and each object's Namespace,
// CRD and IngressClass — must come from the same or an earlier wave, or from a declared runtime
// provider. The first Application that could never become Healthy stops every later wave:
// the findings name it, the workload, what is missing, and the command that fixes it.
import { sealedSecretsControllerName, sealedSecretsNamespace } from '../../platform/sealed-secrets.ts';
import type { BuiltEnvironment } from '../build.ts';
import { missingKeys, needsOf, podTemplate, type Need, type SecretInventoryEntry } from '../inventory/index.ts';
import { sealCommand } from '../seal/command-line.ts';
import type { Component, KubeObject } from '../types.ts';
import type { Finding } from '../validate/index.ts';
import { byText } from '../text-order.ts';

const WAVE = 'argocd.argoproj.io/sync-wave';
/** Before any wave: what kubeadm and the bootstrap (Argo CD and its CRDs) leave on the cluster. */
const BOOTSTRAP = Number.NEGATIVE_INFINITY;
const BOOTSTRAP_CRD_GROUPS = ['argoproj.io'];
const IMPLICIT_CONFIGMAPS = new Set(['kube-root-ca.crt']);
// Objects whose Application is Healthy only once what they need exists: workloads, and custom
// resources whose Secret an upstream chart's pods mount (Velero's store credentials).
const GATED_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'Pod', 'CronJob', 'BackupStorageLocation']);

interface Step {
  /** The Argo CD Application's name. */
  app: string;
  wave: number;
  component?: Component;
  objects: KubeObject[];
}

/** Where each thing becomes available: the earliest wave, and the Application that brings it. */
class Availability {
  private readonly at = new Map<string, { wave: number; app: string }>();
  /** StorageClass → provisioner name; claim → its StorageClass; ConfigMap → keys. */
  readonly storageProvisioners = new Map<string, string>();
  readonly claimClasses = new Map<string, string | undefined>();
  readonly configMapKeys = new Map<string, Set<string>>();
  add(key: string, wave: number, app: string): void {
    const old = this.at.get(key);
    if (!old || wave < old.wave) this.at.set(key, { wave, app });
  }
  get(key: string): { wave: number; app: string } | undefined {
    return this.at.get(key);
  }
}

const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.split('/')[0]! : '');
/** CRD-defined: a dotted group that is not one of Kubernetes' own (`*.k8s.io`). */
const isCustomGroup = (g: string) => g.includes('.') && !g.endsWith('.k8s.io');
const idOf = (o: KubeObject) => `${o.kind}/${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;
const showWave = (w: number) => (w === BOOTSTRAP ? 'bootstrap' : `wave ${w}`);

/** The root's child Applications as sync steps, in wave order. */
export function syncSteps(built: BuiltEnvironment): Step[] {
  // The root's own objects (Argo CD's settings, the Applications, the preview ApplicationSet):
  // a step of their own, each object at its own wave (rootWave).
  const root: Step = { app: 'root', wave: BOOTSTRAP, objects: built.objects.filter((o) => o.component === 'argocd').map((o) => o.object) };
  const byComponent = new Map<string, KubeObject[]>();
  for (const o of built.objects) {
    const list = byComponent.get(o.component);
    if (list) list.push(o.object);
    else byComponent.set(o.component, [o.object]);
  }
  const components = new Map(built.components.map((c) => [c.name, c]));
  const steps: Step[] = [];
  for (const o of byComponent.get('argocd') ?? []) {
    if (o.kind !== 'Application' || o.metadata.name === 'root') continue;
    const wave = Number(o.metadata.annotations?.[WAVE] ?? '0');
    const component = components.get(o.metadata.name);
    steps.push({ app: o.metadata.name, wave, ...(component ? { component } : {}), objects: component ? (byComponent.get(component.name) ?? []) : [] });
  }
  return [root, ...steps.sort((a, b) => a.wave - b.wave || byText(a.app, b.app))];
}

export function proveConvergence(built: BuiltEnvironment, clusterNamespaces: readonly string[]): Finding[] {
  const env = built.env;
  const steps = syncSteps(built);
  const have = new Availability();
  const argo = built.objects.filter((o) => o.component === 'argocd').map((o) => o.object);
  for (const ns of clusterNamespaces) have.add(`Namespace//${ns}`, BOOTSTRAP, 'the cluster');
  for (const g of BOOTSTRAP_CRD_GROUPS) have.add(`CRD//${g}`, BOOTSTRAP, 'the bootstrap');

  const provisioners = new Map<string, { wave: number; app: string }>();
  const controller = { wave: Number.POSITIVE_INFINITY, app: '' };
  for (const s of steps) {
    const appObject = argo.find((o) => o.kind === 'Application' && o.metadata.name === s.app);
    const spec = appObject?.spec as { destination?: { namespace?: string }; syncPolicy?: { syncOptions?: string[] } } | undefined;
    if (spec?.syncPolicy?.syncOptions?.includes('CreateNamespace=true') && spec.destination?.namespace) have.add(`Namespace//${spec.destination.namespace}`, s.wave, s.app);
    const label = s.component ? undefined : upstreamOf(built.components, s.app);
    for (const g of label?.crdGroups ?? []) have.add(`CRD//${g}`, s.wave, s.app);
    for (const o of s.objects) {
      index(have, o, s.app === 'root' ? rootWave(o) : s.wave, s.app);
      // A provisioner runs where a workload carries the StorageClass's provisioner name (nfs-subdir: PROVISIONER_NAME).
      for (const c of (podTemplate(o)?.spec.containers as { env?: { value?: string }[] }[] | undefined) ?? []) {
        for (const e of c.env ?? []) if (e.value && !provisioners.has(e.value)) provisioners.set(e.value, { wave: s.wave, app: s.app });
      }
      if (o.kind === 'Deployment' && o.metadata.name === sealedSecretsControllerName && o.metadata.namespace === sealedSecretsNamespace && s.wave < controller.wave) {
        Object.assign(controller, { wave: s.wave, app: s.app });
      }
    }
  }
  const secrets = new Map(built.secrets.entries.map((e) => [`${e.namespace}/${e.name}`, e]));
  const sealedWave = (e: SecretInventoryEntry) => {
    const p = e.provider;
    if (p.kind === 'none') return undefined;
    if (p.kind === 'sealed') return Math.max(waveOf(steps, p.component), controller.wave);
    return waveOf(steps, p.component);
  };

  const severity: Finding['severity'] = env.strictPolicy ? 'error' : 'warning';
  const findings: Finding[] = [];
  let firstStall: Step | undefined;
  for (const s of steps) {
    // Application → problem → objects, so that two Deployments missing one Secret make one line.
    const problems = new Map<string, { rule: string; blocks: Need['blocks']; objects: string[]; kinds: Set<string> }>();
    const problem = (rule: string, o: KubeObject, message: string, blocks: Need['blocks'] = 'start') => {
      const p = problems.get(message) ?? { rule, blocks, objects: [], kinds: new Set<string>() };
      if (!p.objects.includes(idOf(o))) p.objects.push(idOf(o));
      p.kinds.add(o.kind);
      problems.set(message, p);
    };
    let current = s.wave;
    const late = (what: { wave: number; app: string } | undefined) => (what && what.wave > current ? ` (it comes only in ${showWave(what.wave)} with Application ${what.app})` : '');
    // The root applies its own objects at their own waves (the child Applications among them).
    for (const o of s.objects) {
      current = s.app === 'root' ? rootWave(o) : s.wave;
      const ns = o.metadata.namespace;
      const group = groupOf(o.apiVersion);
      if (ns && o.kind !== 'Namespace') {
        const n = have.get(`Namespace//${ns}`);
        if (!n || n.wave > current) problem('converge/namespace', o, `needs Namespace ${ns}${late(n) || ' (nothing creates it)'}`);
      }
      if (isCustomGroup(group)) {
        const crd = have.get(`CRD//${group}`);
        // The bootstrap's CRDs (Argo CD's) are there before anything syncs.
        const sameApp = crd?.app === s.app || crd?.wave === BOOTSTRAP;
        if (!crd || (crd.wave >= current && !sameApp)) problem('converge/crd', o, `needs the CRDs of ${group}${late(crd) || (crd ? ` (they come in the same wave with Application ${crd.app}: put them one wave earlier)` : ' (nothing installs them)')}`);
      }
      if (o.kind === 'SealedSecret' && controller.wave > current) {
        problem('converge/secret', o, `needs the Sealed Secrets controller${controller.app ? ` (it runs only from ${showWave(controller.wave)}, Application ${controller.app})` : ' (it runs nowhere)'}`);
      }
      if (o.kind === 'Ingress') {
        const cls = (o.spec as { ingressClassName?: string } | undefined)?.ingressClassName;
        const ic = cls ? have.get(`IngressClass//${cls}`) : undefined;
        if (cls && (!ic || ic.wave > current)) problem('converge/ingress-class', o, `needs IngressClass ${cls}${late(ic) || ' (nothing creates it)'}`);
      }
      const tpl = podTemplate(o);
      for (const t of tpl?.claimTemplates ?? []) claimProblem(t.storageClassName, `volumeClaimTemplate ${t.name}`, o);
      for (const need of needsOf(o)) {
        if (!GATED_KINDS.has(o.kind) && need.blocks === 'start') continue;
        checkNeed(need, o, ns ?? '');
      }
    }
    function claimProblem(storageClass: string | undefined, what: string, o: KubeObject): void {
      if (!storageClass) return;
      const sc = have.get(`StorageClass//${storageClass}`);
      if (!sc || sc.wave > current) {
        problem('converge/claim', o, `needs StorageClass ${storageClass} for ${what}${late(sc) || ' (nothing creates it)'}`);
        return;
      }
      const provisioner = have.storageProvisioners.get(storageClass);
      const runs = provisioner ? provisioners.get(provisioner) : undefined;
      if (provisioner && (!runs || runs.wave > current)) {
        problem('converge/claim', o, `needs the provisioner ${provisioner} of StorageClass ${storageClass} for ${what}${late(runs) || ' (no workload runs it): the claim stays Pending'}`);
      }
    }
    function checkNeed(need: Need, o: KubeObject, ns: string): void {
      const key = `${ns}/${need.name}`;
      if (need.kind === 'Secret') {
        const e = secrets.get(key);
        const fix = (keys: string[]) => {
          // A key that must equal another Secret's is sealed from that one, both at once.
          const copied = keys.filter((k) => e?.sameAs[k]);
          if (copied.length) {
            const src = e!.sameAs[copied[0]!]!;
            return `${sealCommand(env.name, src.namespace, src.name, [src.key], 'generate')} --copy ${src.key}=${ns}/${need.name}/${copied[0]}`;
          }
          return sealCommand(env.name, ns, need.name, keys, need.blocks === 'start' ? 'generate' : 'literal');
        };
        if (!e || e.provider.kind === 'none') {
          problem(need.blocks === 'start' ? 'converge/secret' : 'converge/feature-secret', o, `needs Secret ${need.name} (no SealedSecret provides it; seal it with: ${fix(e?.keys ?? need.keys)})`, need.blocks);
          return;
        }
        const missing = missingKeys(e).filter((k) => need.keys.includes(k));
        if (missing.length) {
          problem(need.blocks === 'start' ? 'converge/secret' : 'converge/feature-secret', o, `needs key(s) ${missing.join(', ')} of Secret ${need.name} (its SealedSecret lacks them; seal them with: ${fix(missing)})`, need.blocks);
          return;
        }
        const w = sealedWave(e)!;
        // A feature recovers once its Secret arrives; a pod that started without it does not.
        if (w > current && need.blocks === 'start') problem('converge/secret', o, `needs Secret ${need.name} (it comes only in ${showWave(w)})`);
        return;
      }
      if (need.kind === 'ConfigMap' && IMPLICIT_CONFIGMAPS.has(need.name)) return;
      if (need.kind === 'PersistentVolumeClaim') {
        const pvc = have.get(`PersistentVolumeClaim/${ns}/${need.name}`);
        if (!pvc || pvc.wave > current) problem('converge/claim', o, `needs PersistentVolumeClaim ${need.name}${late(pvc) || ' (nothing creates it)'}`);
        else claimProblem(have.claimClasses.get(`${ns}/${need.name}`), `claim ${need.name}`, o);
        return;
      }
      const k = need.kind === 'PriorityClass' ? `PriorityClass//${need.name}` : `${need.kind}/${ns}/${need.name}`;
      const at = have.get(k);
      if (!at || at.wave > current) {
        problem(`converge/${need.kind === 'ConfigMap' ? 'configmap' : need.kind === 'ServiceAccount' ? 'service-account' : 'priority-class'}`, o, `needs ${need.kind} ${need.name}${late(at) || ' (nothing creates it)'}`);
        return;
      }
      if (need.kind === 'ConfigMap' && need.keys.length) {
        const keys = have.configMapKeys.get(`${ns}/${need.name}`);
        const missing = keys ? need.keys.filter((x) => !keys.has(x)) : [];
        if (missing.length) problem('converge/configmap', o, `needs key(s) ${missing.join(', ')} of ConfigMap ${need.name} (it has: ${[...keys!].join(', ') || 'none'})`);
      }
    }

    for (const [message, p] of problems) {
      const start = p.blocks === 'start';
      const cronOnly = [...p.kinds].every((k) => k === 'CronJob');
      const verdict = !start ? 'works only in part' : cronOnly ? 'would run failing jobs' : 'would never become Healthy';
      findings.push({
        rule: p.rule,
        severity: start ? severity : 'warning',
        env: env.name,
        // The location of a convergence finding is a sync step, not a field.
        path: `${s.app === 'root' ? 'root' : showWave(s.wave)} › Application ${s.app} ${verdict}`,
        message: `${p.objects.join(', ')} ${p.objects.length > 1 ? message.replace(/^needs/, 'need') : message}`,
      });
      if (start && !cronOnly && !firstStall) firstStall = s;
    }
  }
  if (firstStall) {
    const held = steps.filter((s) => s.wave > firstStall!.wave).map((s) => s.app);
    if (held.length) {
      findings.push({
        rule: 'converge/blocked',
        severity,
        env: env.name,
        path: `${showWave(firstStall.wave)} › Application ${firstStall.app} would never become Healthy`,
        message: `Argo CD would stop there: the Applications of later waves are never synced (${held.join(', ')})`,
      });
    }
  }
  return findings;
}

function index(have: Availability, o: KubeObject, wave: number, app: string): void {
  const ns = o.metadata.namespace ?? '';
  const name = o.metadata.name;
  switch (o.kind) {
    case 'Namespace': have.add(`Namespace//${name}`, wave, app); break;
    case 'CustomResourceDefinition': {
      const g = (o.spec as { group?: string } | undefined)?.group;
      if (g) have.add(`CRD//${g}`, wave, app);
      break;
    }
    case 'StorageClass':
      have.add(`StorageClass//${name}`, wave, app);
      have.storageProvisioners.set(name, String((o as { provisioner?: string }).provisioner ?? ''));
      break;
    case 'PriorityClass': have.add(`PriorityClass//${name}`, wave, app); break;
    case 'IngressClass': have.add(`IngressClass//${name}`, wave, app); break;
    case 'PersistentVolumeClaim':
      have.add(`PersistentVolumeClaim/${ns}/${name}`, wave, app);
      have.claimClasses.set(`${ns}/${name}`, (o.spec as { storageClassName?: string } | undefined)?.storageClassName);
      break;
    case 'ConfigMap':
      have.add(`ConfigMap/${ns}/${name}`, wave, app);
      have.configMapKeys.set(`${ns}/${name}`, new Set([...Object.keys((o.data as object | undefined) ?? {}), ...Object.keys((o.binaryData as object | undefined) ?? {})]));
      break;
    case 'ServiceAccount': have.add(`ServiceAccount/${ns}/${name}`, wave, app); break;
  }
}

/**
 * The root syncs its own objects by their wave annotation (0 without one). AppProjects come with
 * the bootstrap: the root itself belongs to one, so they must exist before its first sync.
 */
function rootWave(o: KubeObject): number {
  const w = o.metadata.annotations?.[WAVE];
  if (w !== undefined) return Number(w);
  return o.kind === 'AppProject' ? BOOTSTRAP : 0;
}

function waveOf(steps: readonly Step[], component: string): number {
  return steps.find((s) => s.app === component)?.wave ?? BOOTSTRAP;
}

function upstreamOf(components: readonly Component[], app: string) {
  for (const c of components) for (const u of c.upstream ?? []) if (`${c.name}-${u.label}` === app) return u;
  return undefined;
}

