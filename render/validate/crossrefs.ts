// Cross-references inside the bundle (plus the inventory): what would leave a pod pending,
// a route dangling or a Service empty once Argo CD has applied everything.
import type { BundleItem } from './index.ts';
import type { Context } from './context.ts';
import { BundleIndex, type Entry, type Keys } from './bundle-index.ts';
import { asArray, asObject, asString, asStringMap, field, index, isObject, type JsonObject } from './json.ts';
import { selects, selectsMap, isEmptySelector } from './selector.ts';
import { containersOf, podTemplateOf } from './workloads.ts';
import { apiGroup } from '../scope.ts';
import { checkTargetPorts } from './target-ports.ts';

export function checkCrossRefs(ctx: Context, items: readonly BundleItem[], idx: BundleIndex): void {
  for (const dupes of idx.duplicates()) {
    const first = dupes[0];
    for (const e of dupes.slice(1)) {
      if (!e.item) continue;
      ctx.report(e.item, 'ref/duplicate', '', `${e.kind} ${describeNs(e.namespace)}/${e.name} is defined twice (first at ${where(first)}): Argo CD applies only one of them`);
    }
  }
  for (const item of items) {
    const o = item.object as unknown;
    if (!isObject(o) || typeof o.kind !== 'string' || typeof o.apiVersion !== 'string') continue;
    const ns = namespaceOfItem(o);
    const group = apiGroup(o.apiVersion);
    const r = new Refs(ctx, item, idx, ns);
    const tpl = podTemplateOf(o);
    if (tpl) r.podSpec(tpl.spec, tpl.specPath);
    const spec = asObject(o.spec);
    if (!spec) continue;
    switch (`${group}/${o.kind}`) {
      case '/Service': r.service(spec); break;
      case 'networking.k8s.io/Ingress':
      case 'extensions/Ingress': r.ingress(spec); break;
      case 'traefik.io/IngressRoute':
      case 'traefik.io/IngressRouteTCP': r.ingressRoute(spec, o.kind); break;
      case '/PersistentVolumeClaim': r.claim(spec, 'spec'); break;
      case 'apps/StatefulSet':
        asArray(spec.volumeClaimTemplates).forEach((t, i) => {
          const claimSpec = asObject(asObject(t)?.spec);
          if (claimSpec) r.claim(claimSpec, `${index('spec.volumeClaimTemplates', i)}.spec`);
        });
        break;
      case 'autoscaling/HorizontalPodAutoscaler': r.scaleTarget(spec); break;
      case 'policy/PodDisruptionBudget': r.pdb(spec, o.apiVersion); break;
      case 'networking.k8s.io/NetworkPolicy': r.networkPolicy(spec); break;
      case 'argoproj.io/Application': r.application(spec); break;
    }
  }
}

function namespaceOfItem(o: JsonObject): string {
  return asString(asObject(o.metadata)?.namespace) ?? '';
}

function describeNs(ns: string): string {
  return ns === '' ? '(no namespace)' : ns;
}

function where(e: Entry): string {
  const item = e.item;
  if (!item) return 'the inventory';
  if (item.file) return item.line ? `${item.file}:${item.line}` : item.file;
  if (item.component) return `component ${item.component}`;
  return 'the bundle';
}

/** `namespace/name`, or `name` for cluster-scoped objects. */
function qualified(ns: string, name: string): string {
  return ns === '' ? name : `${ns}/${name}`;
}

function podsMatching(ns: string, selector: unknown): string {
  const labels = isObject(selector) && isObject(selector.matchLabels) ? selector.matchLabels : selector;
  return `pods with ${JSON.stringify(labels)}${ns === '' ? '' : ` in ${ns}`}`;
}

function inNs(ns: string): string {
  return ns === '' ? 'in the bundle' : `in namespace "${ns}"`;
}

/** The reference checks of one object. */
class Refs {
  private readonly ctx: Context;
  private readonly item: BundleItem;
  private readonly idx: BundleIndex;
  private readonly ns: string;

  constructor(ctx: Context, item: BundleItem, idx: BundleIndex, ns: string) {
    this.ctx = ctx;
    this.item = item;
    this.idx = idx;
    this.ns = ns;
  }

  private report(rule: string, path: string, message: string): void {
    this.ctx.report(this.item, rule, path, message);
  }

  /** Nothing in the bundle or inventory is `target`: an error in a closed bundle, a note otherwise. */
  private missing(rule: string, path: string, message: string, target: string): void {
    this.ctx.missing(this.item, rule, path, message, target);
  }

  podSpec(spec: JsonObject, specPath: string): void {
    for (const { container: c, path } of containersOf(spec, specPath)) {
      asArray(c.env).forEach((e, i) => {
        const from = asObject(asObject(e)?.valueFrom);
        if (!from) return;
        const p = `${index(`${path}.env`, i)}.valueFrom`;
        const cm = asObject(from.configMapKeyRef);
        if (cm) this.configMap(cm.name, cm.key, cm.optional, `${p}.configMapKeyRef`);
        const sec = asObject(from.secretKeyRef);
        if (sec) this.secret(sec.name, sec.key, sec.optional, `${p}.secretKeyRef`);
      });
      asArray(c.envFrom).forEach((e, i) => {
        const src = asObject(e);
        if (!src) return;
        const p = index(`${path}.envFrom`, i);
        const cm = asObject(src.configMapRef);
        if (cm) this.configMap(cm.name, undefined, cm.optional, `${p}.configMapRef`);
        const sec = asObject(src.secretRef);
        if (sec) this.secret(sec.name, undefined, sec.optional, `${p}.secretRef`);
      });
    }
    asArray(spec.volumes).forEach((v, i) => {
      const vol = asObject(v);
      if (!vol) return;
      const p = index(`${specPath}.volumes`, i);
      const cm = asObject(vol.configMap);
      if (cm) this.volumeSource('ConfigMap', cm, cm.name, `${p}.configMap`);
      const sec = asObject(vol.secret);
      if (sec) this.volumeSource('Secret', sec, sec.secretName, `${p}.secret`);
      asArray(asObject(vol.projected)?.sources).forEach((s, j) => {
        const src = asObject(s);
        const sp = index(`${p}.projected.sources`, j);
        const pcm = asObject(src?.configMap);
        if (pcm) this.volumeSource('ConfigMap', pcm, pcm.name, `${sp}.configMap`);
        const psec = asObject(src?.secret);
        if (psec) this.volumeSource('Secret', psec, psec.name, `${sp}.secret`);
      });
    });
    asArray(spec.imagePullSecrets).forEach((s, i) => {
      const ref = asObject(s);
      if (ref) this.secret(ref.name, undefined, false, `${index(`${specPath}.imagePullSecrets`, i)}.name`);
    });
    const sa = asString(spec.serviceAccountName) ?? asString(spec.serviceAccount);
    if (sa !== undefined && sa !== '' && sa !== 'default' && this.idx.get('', 'ServiceAccount', this.ns, sa).length === 0) {
      this.missing('ref/service-account', `${specPath}.${spec.serviceAccountName !== undefined ? 'serviceAccountName' : 'serviceAccount'}`,
        `ServiceAccount "${sa}" not found ${inNs(this.ns)} (add it to the bundle, or to the inventory if something else creates it)`, `ServiceAccount ${qualified(this.ns, sa)}`);
    }
  }

  private volumeSource(kind: 'ConfigMap' | 'Secret', src: JsonObject, name: unknown, path: string): void {
    const items = asArray(src.items);
    if (items.length === 0) {
      if (kind === 'ConfigMap') this.configMap(name, undefined, src.optional, path);
      else this.secret(name, undefined, src.optional, path);
      return;
    }
    items.forEach((it, i) => {
      const key = asObject(it)?.key;
      if (kind === 'ConfigMap') this.configMap(name, key, src.optional, `${index(`${path}.items`, i)}`);
      else this.secret(name, key, src.optional, `${index(`${path}.items`, i)}`);
    });
  }

  private configMap(name: unknown, key: unknown, optional: unknown, path: string): void {
    if (typeof name !== 'string' || optional === true) return;
    this.resolve('ref/configmap', 'ConfigMap', name, key, this.idx.configMapKeys(this.ns, name), path, '');
  }

  private secret(name: unknown, key: unknown, optional: unknown, path: string): void {
    if (typeof name !== 'string' || optional === true) return;
    this.resolve('ref/secret', 'Secret', name, key, this.idx.secretKeys(this.ns, name), path, ', no SealedSecret unseals to it');
  }

  private resolve(rule: string, kind: string, name: string, key: unknown, keys: Keys | undefined, path: string, also: string): void {
    if (keys === undefined) {
      this.missing(rule, path, `${kind} "${name}" not found ${inNs(this.ns)}${also} (not in the inventory either; mark the reference optional: true if it may be absent)`, `${kind} ${qualified(this.ns, name)}`);
    } else if (typeof key === 'string' && keys !== null && !keys.has(key)) {
      this.report(rule, path, `${kind} "${name}" has no key "${key}" (keys: ${[...keys].join(', ') || 'none'})`);
    }
  }

  service(spec: JsonObject): void {
    if (spec.type === 'ExternalName') return;
    const selector = asStringMap(spec.selector);
    if (!selector || Object.keys(selector).length === 0) return;
    const selected = this.idx.podCandidates(this.ns, selector).filter((p) => selectsMap(selector, p.labels));
    if (selected.length === 0) {
      this.missing('ref/service-selector', 'spec.selector',
        `selector ${JSON.stringify(selector)} matches no pod template ${inNs(this.ns)}: the Service would have no endpoints`, podsMatching(this.ns, selector));
      return;
    }
    checkTargetPorts((rule, path, message) => this.report(rule, path, message), spec, selected);
  }

  /** A Service and one of its ports, by number or name. */
  private backend(name: unknown, port: unknown, namespace: string, path: string, portPath: string): void {
    if (typeof name !== 'string') return;
    const services = this.idx.get('', 'Service', namespace, name);
    if (services.length === 0) {
      this.missing('ref/ingress-backend', path, `Service "${name}" not found ${inNs(namespace)}`, `Service ${qualified(namespace, name)}`);
      return;
    }
    if (port === undefined || port === null) return;
    const ports = asArray(asObject(services[0].object.spec)?.ports).map((p) => asObject(p) ?? {});
    const ok = ports.some((p) => (typeof port === 'number' ? p.port === port : p.name === port || String(p.port) === port));
    if (!ok) {
      const known = ports.map((p) => (typeof p.name === 'string' ? `${p.name}/${String(p.port)}` : String(p.port))).join(', ');
      this.report('ref/ingress-backend', portPath, `Service "${name}" has no port ${JSON.stringify(port)} (ports: ${known || 'none'})`);
    }
  }

  ingress(spec: JsonObject): void {
    const cls = asString(spec.ingressClassName);
    if (cls !== undefined && this.idx.get('networking.k8s.io', 'IngressClass', '', cls).length === 0) {
      this.missing('ref/ingress-class', 'spec.ingressClassName', `IngressClass "${cls}" not found (add it to the inventory if the platform provides it)`, `IngressClass ${cls}`);
    }
    const backend = (b: unknown, path: string): void => {
      const be = asObject(b);
      if (!be) return;
      const svc = asObject(be.service);
      if (svc) {
        const port = asObject(svc.port);
        const p = port?.number ?? port?.name;
        this.backend(svc.name, p, this.ns, `${path}.service.name`, `${path}.service.port`);
      } else if (be.serviceName !== undefined) {
        this.backend(be.serviceName, be.servicePort, this.ns, `${path}.serviceName`, `${path}.servicePort`);
      }
    };
    backend(spec.defaultBackend ?? spec.backend, spec.defaultBackend ? 'spec.defaultBackend' : 'spec.backend');
    asArray(spec.rules).forEach((r, i) => {
      asArray(asObject(asObject(r)?.http)?.paths).forEach((p, j) => {
        backend(asObject(p)?.backend, `${index(`${index('spec.rules', i)}.http.paths`, j)}.backend`);
      });
    });
    asArray(spec.tls).forEach((t, i) => {
      const secretName = asObject(t)?.secretName;
      if (typeof secretName === 'string') this.secret(secretName, undefined, false, `${index('spec.tls', i)}.secretName`);
    });
  }

  ingressRoute(spec: JsonObject, kind: string): void {
    const middlewareKind = kind === 'IngressRouteTCP' ? 'MiddlewareTCP' : 'Middleware';
    asArray(spec.routes).forEach((r, i) => {
      const route = asObject(r);
      if (!route) return;
      const rp = index('spec.routes', i);
      asArray(route.services).forEach((s, j) => {
        const svc = asObject(s);
        if (!svc || typeof svc.name !== 'string' || svc.name.includes('@')) return;
        const sp = index(`${rp}.services`, j);
        const ns = asString(svc.namespace) ?? this.ns;
        if (svc.kind === 'TraefikService') {
          if (this.idx.get('traefik.io', 'TraefikService', ns, svc.name).length === 0) {
            this.missing('ref/ingress-backend', `${sp}.name`, `TraefikService "${svc.name}" not found ${inNs(ns)}`, `TraefikService ${qualified(ns, svc.name)}`);
          }
          return;
        }
        this.backend(svc.name, svc.port, ns, `${sp}.name`, `${sp}.port`);
      });
      asArray(route.middlewares).forEach((m, j) => {
        const mw = asObject(m);
        if (!mw || typeof mw.name !== 'string' || mw.name.includes('@')) return;
        const ns = asString(mw.namespace) ?? this.ns;
        if (this.idx.get('traefik.io', middlewareKind, ns, mw.name).length === 0) {
          this.missing('ref/middleware', `${index(`${rp}.middlewares`, j)}.name`, `${middlewareKind} "${mw.name}" not found ${inNs(ns)}`, `${middlewareKind} ${qualified(ns, mw.name)}`);
        }
      });
    });
    const secretName = asObject(spec.tls)?.secretName;
    if (typeof secretName === 'string') this.secret(secretName, undefined, false, 'spec.tls.secretName');
  }

  claim(spec: JsonObject, path: string): void {
    const cls = spec.storageClassName;
    if (cls === '') return; // static binding to a pre-made PersistentVolume
    if (typeof cls === 'string') {
      if (this.idx.get('storage.k8s.io', 'StorageClass', '', cls).length === 0) {
        this.missing('ref/storage-class', `${path}.storageClassName`, `StorageClass "${cls}" not found (add it to the inventory if the platform provides it)`, `StorageClass ${cls}`);
      }
    } else if (spec.volumeName === undefined && !this.idx.hasDefaultStorageClass) {
      this.missing('ref/storage-class', `${path}.storageClassName`,
        'no storageClassName and no default StorageClass (annotation storageclass.kubernetes.io/is-default-class: "true") is known: the claim would stay Pending', 'a default StorageClass');
    }
  }

  scaleTarget(spec: JsonObject): void {
    const ref = asObject(spec.scaleTargetRef);
    const kind = asString(ref?.kind);
    const name = asString(ref?.name);
    if (!ref || !kind || !name) return;
    const apiVersion = asString(ref.apiVersion);
    const found = apiVersion !== undefined ? this.idx.get(apiGroup(apiVersion), kind, this.ns, name) : this.idx.getByKind(kind, this.ns, name);
    if (found.length === 0) {
      this.missing('ref/scale-target', 'spec.scaleTargetRef', `${apiVersion ?? ''} ${kind} "${name}" not found ${inNs(this.ns)}`.trim(), `${kind} ${qualified(this.ns, name)}`);
    }
  }

  pdb(spec: JsonObject, apiVersion: string): void {
    const selector = spec.selector;
    if (!isObject(selector)) return;
    const pods = this.idx.podsIn(this.ns);
    // policy/v1: an empty selector selects every pod; policy/v1beta1: none.
    const empty = isEmptySelector(selector);
    const hit = empty ? apiVersion === 'policy/v1' && pods.length > 0 : this.idx.podCandidates(this.ns, asStringMap(selector.matchLabels)).some((p) => selects(selector, p.labels));
    if (!hit) this.missing('ref/pdb-selector', 'spec.selector', `selects no pod template ${inNs(this.ns)}: the budget protects nothing`, podsMatching(this.ns, selector));
  }

  networkPolicy(spec: JsonObject): void {
    const selector = spec.podSelector;
    if (!isObject(selector) || isEmptySelector(selector)) return;
    if (!this.idx.podCandidates(this.ns, asStringMap(selector.matchLabels)).some((p) => selects(selector, p.labels))) {
      this.missing('ref/networkpolicy-selector', 'spec.podSelector', `selects no pod template ${inNs(this.ns)}: the policy applies to nothing`, podsMatching(this.ns, selector));
    }
  }

  application(spec: JsonObject): void {
    const paths = this.ctx.options.repoPaths;
    if (!paths) return;
    const repoURL = this.ctx.options.repoURL;
    const sources = spec.sources !== undefined ? asArray(spec.sources).map((s, i) => [s, index('spec.sources', i)] as const) : [[spec.source, 'spec.source'] as const];
    for (const [s, p] of sources) {
      const src = asObject(s);
      const path = asString(src?.path);
      if (!src || path === undefined || src.chart !== undefined) continue;
      if (repoURL !== undefined && normaliseRepo(asString(src.repoURL) ?? '') !== normaliseRepo(repoURL)) continue;
      const clean = path.replace(/^\.\//, '').replace(/\/+$/, '');
      if (!paths.has(clean)) this.report('ref/argocd-path', field(p, 'path'), `path "${path}" does not exist in the repository`);
    }
  }
}

function normaliseRepo(url: string): string {
  return url.trim().toLowerCase().replace(/\/+$/, '').replace(/\.git$/, '');
}
