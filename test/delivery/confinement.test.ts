// Preview confinement through the publish path: the real preview render passes readPreviewFolder
// unchanged, and each way out of the namespace (one edited or added file per attack) is refused
// with a RenderError naming the object and the field.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { preview } from '../../environments/preview.ts';
import { previewScope, renderPreview } from '../../render/delivery/preview.ts';
import { readPreviewFolder } from '../../render/delivery/preview-files.ts';
import { checkConfinement } from '../../render/delivery/preview-confinement.ts';
import { RenderError, type KubeObject } from '../../render/types.ts';
import { toYaml } from '../../render/yaml.ts';

const PR = 42;
const scope = previewScope(preview, PR);
let rendered: Map<string, string>;
const dirs: string[] = [];

beforeAll(() => {
  const r = renderPreview(preview, PR);
  expect(r.findings.filter((f) => f.severity === 'error')).toEqual([]);
  rendered = r.files;
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** The real render written to a fresh folder, with `edit` applied to it. */
function folder(edit: (files: Map<string, string>) => void = () => {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'preview-confinement-'));
  dirs.push(dir);
  const files = new Map(rendered);
  edit(files);
  for (const [name, text] of files) writeFileSync(join(dir, name), text);
  return dir;
}

type Obj = KubeObject & { spec: Record<string, any>; [k: string]: any };
const change = (file: string, f: (o: Obj) => void) => (files: Map<string, string>) => {
  const o = parse(files.get(file) ?? '') as Obj;
  if (!o) throw new Error(`${file} is not in the render`);
  f(o);
  files.set(file, toYaml(o));
};
const add = (o: Record<string, unknown>) => (files: Map<string, string>) => {
  const k = o as unknown as KubeObject;
  files.set(`${k.kind.toLowerCase()}-${k.metadata.name}.yaml`, toYaml(k));
};
const meta = (name: string) => ({ name, namespace: 'pr-42' });

function rejection(edit: (files: Map<string, string>) => void): RenderError {
  try {
    readPreviewFolder(folder(edit), scope);
  } catch (e) {
    if (e instanceof RenderError) return e;
    throw e;
  }
  throw new Error('accepted');
}

const PLATFORM_FILES = ['limitrange-preview.yaml', 'namespace-pr-42.yaml', 'resourcequota-preview.yaml'];

describe('the real preview render', () => {
  it('passes the publish check and is published exactly as rendered, with the platform\'s Namespace, quota and limits', () => {
    const dir = folder();
    const f = readPreviewFolder(dir, scope);
    expect([...rendered.keys()].filter((n) => PLATFORM_FILES.includes(n))).toEqual([]);
    expect([...f.files.keys()]).toEqual([...rendered.keys(), ...PLATFORM_FILES].sort());
    for (const [name, text] of f.files) if (!PLATFORM_FILES.includes(name)) expect(text, name).toBe(readFileSync(join(dir, name), 'utf8'));
    expect(f.urls).toContain('https://django.pr-42.dev.sound-buzz.live/');
  });

  it('the platform owns the namespace: Pod Security restricted, a quota and limits from environments/preview.ts', () => {
    const f = readPreviewFolder(folder(), scope);
    const ns = parse(f.files.get('namespace-pr-42.yaml')!) as KubeObject;
    expect(ns.metadata.labels).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'latest', 'gitops.sound-buzz.live/preview': '42' });
    expect(ns.metadata.finalizers).toBeUndefined();
    const quota = parse(f.files.get('resourcequota-preview.yaml')!) as Obj;
    expect(quota.metadata.namespace).toBe('pr-42');
    expect(quota.spec.hard).toMatchObject({ 'limits.cpu': preview.limits.quota.limits.cpu, 'requests.storage': preview.limits.quota.requests.storage, 'services.loadbalancers': '0', 'services.nodeports': '0' });
    const limits = parse(f.files.get('limitrange-preview.yaml')!) as Obj;
    expect(limits.spec.limits).toContainEqual({ type: 'PersistentVolumeClaim', max: { storage: preview.limits.maxClaimStorage } });
  });
});

// [what, edit, resource, field, message]
const attacks: [string, (files: Map<string, string>) => void, string, string, RegExp][] = [
  // The audit's accepted edits.
  ['NetworkPolicy ingress rule without peers (ingress: [{}])', change('networkpolicy-web.yaml', (o) => { o.spec.ingress = [{}]; }),
    'NetworkPolicy/pr-42/web', 'spec.ingress[0].from', /without `from` peers allows every source/],
  ['NetworkPolicy egress rule without peers (egress: [{}])', change('networkpolicy-web.yaml', (o) => { o.spec.egress = [{}]; }),
    'NetworkPolicy/pr-42/web', 'spec.egress[0].to', /allows every destination/],
  ['IngressRoute for dev\'s real host', change('ingressroute-public.yaml', (o) => { o.spec.routes[0].match = 'Host(`django.dev.sound-buzz.live`)'; }),
    'IngressRoute/pr-42/public', 'spec.routes[0].match', /django\.dev\.sound-buzz\.live" is outside the preview's domain/],
  ['privileged container', change('deployment-web.yaml', (o) => { o.spec.template.spec.containers[0].securityContext.privileged = true; }),
    'Deployment/pr-42/web', 'spec.template.spec.containers[web].securityContext.privileged', /privileged container/],
  ['hostNetwork', change('deployment-web.yaml', (o) => { o.spec.template.spec.hostNetwork = true; }),
    'Deployment/pr-42/web', 'spec.template.spec.hostNetwork', /node's network namespace/],
  ['hostPath /', change('deployment-web.yaml', (o) => { o.spec.template.spec.volumes = [{ name: 'root', hostPath: { path: '/' } }]; }),
    'Deployment/pr-42/web', 'spec.template.spec.volumes[root].hostPath', /mounts \/ from the node/],
  ['Namespace enforcing privileged', add({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'pr-42', labels: { 'pod-security.kubernetes.io/enforce': 'privileged' } } }),
    'Namespace/pr-42', 'kind', /Namespace is not allowed in a preview: the platform writes the Namespace, ResourceQuota and LimitRange/],
  // Routes.
  ['route without a Host matcher', change('ingressroute-web.yaml', (o) => { o.spec.routes[0].match = 'PathPrefix(`/`)'; }),
    'IngressRoute/pr-42/web', 'spec.routes[0].match', /can match requests for other hosts/],
  ['Host(own) || catch-all', change('ingressroute-web.yaml', (o) => { o.spec.routes[0].match = 'Host(`pr-42.dev.sound-buzz.live`) || PathPrefix(`/`)'; }),
    'IngressRoute/pr-42/web', 'spec.routes[0].match', /can match requests for other hosts/],
  ['negated host', change('ingressroute-web.yaml', (o) => { o.spec.routes[0].match = '!Host(`pr-42.dev.sound-buzz.live`)'; }),
    'IngressRoute/pr-42/web', 'spec.routes[0].match', /can match requests for other hosts/],
  ['HostRegexp', change('ingressroute-web.yaml', (o) => { o.spec.routes[0].match = 'HostRegexp(`.+`)'; }),
    'IngressRoute/pr-42/web', 'spec.routes[0].match', /HostRegexp cannot be shown to stay under pr-42\.dev\.sound-buzz\.live/],
  ['a look-alike host', change('ingressroute-web.yaml', (o) => { o.spec.routes[0].match = 'Host(`evilpr-42.dev.sound-buzz.live`)'; }),
    'IngressRoute/pr-42/web', 'spec.routes[0].match', /outside the preview's domain/],
  ['TLS domain of dev', change('ingressroute-web.yaml', (o) => { o.spec.tls.domains = [{ main: 'dev.sound-buzz.live', sans: ['*.dev.sound-buzz.live'] }]; }),
    'IngressRoute/pr-42/web', 'spec.tls.domains[0].main', /outside the preview's domain/],
  ['service in another namespace', change('ingressroute-web.yaml', (o) => { o.spec.routes[0].services[0].namespace = 'django-web'; }),
    'IngressRoute/pr-42/web', 'spec.routes[0].services[0].namespace', /refers to namespace django-web/],
  ['Traefik\'s own API as a backend', change('ingressroute-web.yaml', (o) => { o.spec.routes[0].services = [{ kind: 'TraefikService', name: 'api@internal' }]; }),
    'IngressRoute/pr-42/web', 'spec.routes[0].services[0].name', /provider-qualified reference/],
  ['middleware from Traefik\'s namespace', change('ingressroute-web.yaml', (o) => { o.spec.routes[0].middlewares = [{ name: 'dashboard-auth', namespace: 'traefik' }]; }),
    'IngressRoute/pr-42/web', 'spec.routes[0].middlewares[0].namespace', /refers to namespace traefik/],
  ['forwardAuth middleware', add({ apiVersion: 'traefik.io/v1alpha1', kind: 'Middleware', metadata: meta('auth'), spec: { forwardAuth: { address: 'http://argocd-server.argocd.svc' } } }),
    'Middleware/pr-42/auth', 'spec.forwardAuth', /call an arbitrary address/],
  ['TCP route for every SNI', add({ apiVersion: 'traefik.io/v1alpha1', kind: 'IngressRouteTCP', metadata: meta('tcp'), spec: { entryPoints: ['websecure'], routes: [{ match: 'HostSNI(`*`)', services: [{ name: 'db', port: 5432 }] }] } }),
    'IngressRouteTCP/pr-42/tcp', 'spec.routes[0].match', /host "\*" is outside/],
  ['Ingress without host', add({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: meta('all'), spec: { rules: [{ http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }] } }),
    'Ingress/pr-42/all', 'spec.rules[0].host', /answers for every host/],
  ['Ingress default backend', add({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: meta('all'), spec: { defaultBackend: { service: { name: 'web', port: { number: 80 } } } } }),
    'Ingress/pr-42/all', 'spec.defaultBackend', /answers for every host/],
  // NetworkPolicies.
  ['egress to any address (ipBlock)', change('networkpolicy-web.yaml', (o) => { o.spec.egress = [{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }]; }),
    'NetworkPolicy/pr-42/web', 'spec.egress[0].to[0].ipBlock', /ipBlock reaches addresses outside/],
  ['ingress from every namespace (empty selectors)', change('networkpolicy-web.yaml', (o) => { o.spec.ingress = [{ from: [{ namespaceSelector: {}, podSelector: {} }] }]; }),
    'NetworkPolicy/pr-42/web', 'spec.ingress[0].from[0].namespaceSelector', /selects every namespace/],
  ['egress into prod\'s namespace', change('networkpolicy-web.yaml', (o) => { o.spec.egress = [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'django-web' } } }] }]; }),
    'NetworkPolicy/pr-42/web', 'spec.egress[0].to[0].namespaceSelector', /namespace django-web/],
  ['egress to all of kube-system', change('networkpolicy-allow-dns.yaml', (o) => { delete o.spec.egress[0].to[0].podSelector; }),
    'NetworkPolicy/pr-42/allow-dns', 'spec.egress[0].to[0].podSelector', /only for DNS/],
  ['DNS pods on another port', change('networkpolicy-allow-dns.yaml', (o) => { o.spec.egress[0].ports.push({ protocol: 'TCP', port: 8080 }); }),
    'NetworkPolicy/pr-42/allow-dns', 'spec.egress[0].ports', /only on port 53/],
  ['egress to Traefik', change('networkpolicy-web.yaml', (o) => { o.spec.egress = [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'traefik' } } }] }]; }),
    'NetworkPolicy/pr-42/web', 'spec.egress[0].to[0].namespaceSelector', /namespace traefik/],
  ['default-deny selecting no pod', change('networkpolicy-default-deny.yaml', (o) => { o.spec.podSelector = { matchLabels: { none: 'x' } }; }),
    'NetworkPolicy/pr-42/default-deny', 'spec.podSelector', /select every pod/],
  ['default-deny no longer denying egress', change('networkpolicy-default-deny.yaml', (o) => { o.spec.policyTypes = ['Ingress']; }),
    'NetworkPolicy/pr-42/default-deny', 'spec.policyTypes', /must deny Egress/],
  ['default-deny removed', (files) => files.delete('networkpolicy-default-deny.yaml'),
    'NetworkPolicy/default-deny', 'spec', /needs its default-deny/],
  // Pods.
  ['hostPID in a CronJob', change('cronjob-db-backup.yaml', (o) => { o.spec.jobTemplate.spec.template.spec.hostPID = true; }),
    'CronJob/pr-42/db-backup', 'spec.jobTemplate.spec.template.spec.hostPID', /pid namespace/],
  ['hostPort', change('deployment-web.yaml', (o) => { o.spec.template.spec.containers[0].ports[0].hostPort = 80; }),
    'Deployment/pr-42/web', 'spec.template.spec.containers[web].ports[0].hostPort', /binds a port on the node/],
  ['added capability', change('deployment-web.yaml', (o) => { o.spec.template.spec.containers[0].securityContext.capabilities.add = ['SYS_ADMIN']; }),
    'Deployment/pr-42/web', 'spec.template.spec.containers[web].securityContext.capabilities.add', /SYS_ADMIN is not allowed/],
  ['an NFS volume straight from the server', change('deployment-web.yaml', (o) => { o.spec.template.spec.volumes = [{ name: 'nfs', nfs: { server: '172.16.0.10', path: '/export' } }]; }),
    'Deployment/pr-42/web', 'spec.template.spec.volumes[nfs].nfs', /nfs volumes are not allowed/],
  ['hostNetwork written the YAML 1.1 way (yes)', (files) => files.set('deployment-web.yaml', files.get('deployment-web.yaml')!.replace('    spec:\n      automount', '    spec:\n      hostNetwork: yes\n      automount')),
    'Deployment/pr-42/web', 'spec.template.spec.hostNetwork', /network namespace/],
  ['hostNetwork through a merge key', (files) => files.set('deployment-web.yaml', files.get('deployment-web.yaml')!.replace('    spec:\n      automount', '    spec:\n      <<: {hostNetwork: true}\n      automount')),
    'Deployment/pr-42/web', 'spec.template.spec.hostNetwork', /network namespace/],
  // Namespace, Services, claims, kinds.
  ['a second pr-* Namespace without Pod Security', add({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'pr-4242' } }),
    'Namespace/pr-4242', 'kind', /the platform writes the Namespace/],
  ['LoadBalancer Service', change('service-web.yaml', (o) => { o.spec.type = 'LoadBalancer'; }),
    'Service/pr-42/web', 'spec.type', /type LoadBalancer/],
  ['NodePort Service', change('service-web.yaml', (o) => { o.spec.type = 'NodePort'; }),
    'Service/pr-42/web', 'spec.type', /type NodePort/],
  ['ExternalName into prod', change('service-web.yaml', (o) => { o.spec = { type: 'ExternalName', externalName: 'db.django-web.svc.cluster.local' }; }),
    'Service/pr-42/web', 'spec.type', /type ExternalName/],
  ['externalIPs', change('service-web.yaml', (o) => { o.spec.externalIPs = ['172.16.0.200']; }),
    'Service/pr-42/web', 'spec.externalIPs', /capture traffic/],
  ['Endpoints pointing a Service at foreign pods', add({ apiVersion: 'v1', kind: 'Endpoints', metadata: meta('web'), subsets: [{ addresses: [{ ip: '10.42.0.5' }] }] }),
    'Endpoints/pr-42/web', 'kind', /Endpoints is not allowed in a preview/],
  ['a cluster-wide default TLSOption', add({ apiVersion: 'traefik.io/v1alpha1', kind: 'TLSOption', metadata: meta('default'), spec: { minVersion: 'VersionTLS10' } }),
    'TLSOption/pr-42/default', 'kind', /TLSOption is not allowed/],
  ['claim of a named volume', change('persistentvolumeclaim-data.yaml', (o) => { o.spec.volumeName = 'pvc-prod-music'; }),
    'PersistentVolumeClaim/pr-42/data', 'spec.volumeName', /binds the named PersistentVolume pvc-prod-music/],
  ['volumeClaimTemplate of a named volume', change('statefulset-db.yaml', (o) => { o.spec.volumeClaimTemplates[0].spec.volumeName = 'pvc-prod-db'; }),
    'StatefulSet/pr-42/db', 'spec.volumeClaimTemplates[0].spec.volumeName', /binds the named PersistentVolume pvc-prod-db/],
  ['an inline CSI volume', change('deployment-web.yaml', (o) => { o.spec.template.spec.volumes = [{ name: 'share', csi: { driver: 'nfs.csi.k8s.io', volumeAttributes: { server: '172.16.0.10', share: '/' } } }]; }),
    'Deployment/pr-42/web', 'spec.template.spec.volumes[share].csi', /csi volumes are not allowed in a preview/],
  ['claim cloned from another namespace', change('persistentvolumeclaim-data.yaml', (o) => { o.spec.dataSourceRef = { kind: 'PersistentVolumeClaim', name: 'music', namespace: 'sound-buzz' }; }),
    'PersistentVolumeClaim/pr-42/data', 'spec.dataSourceRef.namespace', /refers to namespace sound-buzz/],
  ['long-lived service-account token', add({ apiVersion: 'v1', kind: 'Secret', metadata: { ...meta('token'), annotations: { 'kubernetes.io/service-account.name': 'default' } }, type: 'kubernetes.io/service-account-token' }),
    'Secret/pr-42/token', 'type', /long-lived service-account token/],
  ['object in another namespace', change('configmap-navidrome.yaml', (o) => { o.metadata.namespace = 'sound-buzz'; }),
    'ConfigMap/sound-buzz/navidrome', 'metadata.namespace', /must be in namespace pr-42/],
];

const sealed = (template: Record<string, unknown>) => add({
  apiVersion: 'bitnami.com/v1alpha1', kind: 'SealedSecret',
  metadata: { ...meta('creds'), annotations: { 'sealedsecrets.bitnami.com/cluster-wide': 'true' } },
  spec: { encryptedData: { token: 'AgB'.padEnd(80, 'x') }, template: { metadata: { name: 'creds', namespace: 'pr-42', annotations: { 'sealedsecrets.bitnami.com/cluster-wide': 'true' } }, ...template } },
});
const TI50 = '50Ti';

// issue 12: each artifact the publish check accepted before.
const escapes: typeof attacks = [
  ['workloads kept after the preview is deleted (sync-options Delete=false,Prune=false)',
    change('deployment-web.yaml', (o) => { o.metadata.annotations = { 'argocd.argoproj.io/sync-options': 'Delete=false,Prune=false' }; }),
    'Deployment/pr-42/web', 'metadata.annotations.argocd.argoproj.io/sync-options', /changes how Argo CD syncs, compares or deletes/],
  ['sync-options on a volumeClaimTemplate', change('statefulset-db.yaml', (o) => { o.spec.volumeClaimTemplates[0].metadata.annotations = { 'argocd.argoproj.io/sync-options': 'Prune=false' }; }),
    'StatefulSet/pr-42/db', 'spec.volumeClaimTemplates[0].metadata.annotations.argocd.argoproj.io/sync-options', /changes how Argo CD/],
  ['drift hidden (compare-options)', change('service-web.yaml', (o) => { o.metadata.annotations = { 'argocd.argoproj.io/compare-options': 'IgnoreExtraneous' }; }),
    'Service/pr-42/web', 'metadata.annotations.argocd.argoproj.io/compare-options', /changes how Argo CD/],
  ['Namespace stuck Terminating (finalizers)', add({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'pr-42', finalizers: ['example.com/never'] }, spec: { finalizers: ['kubernetes', 'example.com/never'] } }),
    'Namespace/pr-42', 'kind', /the platform writes the Namespace/],
  ['an object that blocks deletion (finalizers)', change('configmap-navidrome.yaml', (o) => { o.metadata.finalizers = ['example.com/never']; }),
    'ConfigMap/pr-42/navidrome', 'metadata.finalizers', /deleting the preview would hang/],
  ['owner references', change('configmap-navidrome.yaml', (o) => { o.metadata.ownerReferences = [{ apiVersion: 'v1', kind: 'Namespace', name: 'kube-system', uid: 'x' }]; }),
    'ConfigMap/pr-42/navidrome', 'metadata.ownerReferences', /owner references are not allowed/],
  ['its own ResourceQuota', add({ apiVersion: 'v1', kind: 'ResourceQuota', metadata: meta('more'), spec: { hard: { 'limits.cpu': '1000' } } }),
    'ResourceQuota/pr-42/more', 'kind', /the platform writes the Namespace, ResourceQuota and LimitRange/],
  ['500 replicas × 64 CPU', change('deployment-web.yaml', (o) => { o.spec.replicas = 500; o.spec.template.spec.containers[0].resources = { requests: { cpu: '64' }, limits: { cpu: '64' } }; }),
    'Deployment/pr-42/web', 'spec.template.spec.containers[web].resources.requests.cpu', /asks for 64000m cpu: a preview container may have at most 1/],
  ['500 replicas', change('deployment-web.yaml', (o) => { o.spec.replicas = 500; }),
    'Deployment/pr-42/web', 'spec.replicas', /over its quota of 2; Deployment\/pr-42\/web alone asks 5000m with 500 pod\(s\)/],
  ['an HPA scaling to 500', change('horizontalpodautoscaler-api.yaml', (o) => { o.spec.maxReplicas = 500; }),
    'HorizontalPodAutoscaler/pr-42/api', 'spec.maxReplicas', /over its quota/],
  ['a container without limits', change('deployment-web.yaml', (o) => { o.spec.replicas = 100; delete o.spec.template.spec.containers[0].resources; }),
    'Deployment/pr-42/web', 'spec.replicas', /over its quota/],
  ['a 50Ti claim on the shared NFS', change('persistentvolumeclaim-music.yaml', (o) => { o.spec.resources.requests.storage = TI50; }),
    'PersistentVolumeClaim/pr-42/music', 'spec.resources.requests.storage', /50Ti is more than a preview claim may take on the shared NFS export \(at most 2Gi\)/],
  ['a 50Ti volumeClaimTemplate', change('statefulset-db.yaml', (o) => { o.spec.volumeClaimTemplates[0].spec.resources.requests.storage = TI50; }),
    'StatefulSet/pr-42/db', 'spec.volumeClaimTemplates[0].spec.resources.requests.storage', /50Ti is more than/],
  ['many claims under the cap that add up', change('statefulset-db.yaml', (o) => { o.spec.replicas = 3; o.spec.volumeClaimTemplates[0].spec.resources.requests.storage = '2Gi'; }),
    'Namespace/pr-42', 'spec', /claims total .*over its storage quota of 4Gi/],
  ['an image from another registry', change('deployment-web.yaml', (o) => { o.spec.template.spec.containers[0].image = 'evil.example.com/miner:1.0.0'; }),
    'Deployment/pr-42/web', 'spec.template.spec.containers[web].image', /image "evil\.example\.com\/miner:1\.0\.0" .* is not from a registry previews may pull from/],
  ['a Docker Hub image outside the allowlist', change('deployment-web.yaml', (o) => { o.spec.template.spec.containers[0].image = 'someone/miner:1.0.0'; }),
    'Deployment/pr-42/web', 'spec.template.spec.containers[web].image', /docker\.io\/someone\/miner/],
  ['a look-alike of an allowed repository', change('deployment-navidrome.yaml', (o) => { o.spec.template.spec.containers[0].image = 'deluan/navidrome-evil:1.0.0'; }),
    'Deployment/pr-42/navidrome', 'spec.template.spec.containers[navidrome].image', /not from a registry previews may pull from/],
  ['a registry path lookalike', change('deployment-web.yaml', (o) => { o.spec.template.spec.containers[0].image = 'ghcr.io/sound-buzz-evil/x:1.0.0'; }),
    'Deployment/pr-42/web', 'spec.template.spec.containers[web].image', /not from a registry/],
  ['an init container from another registry', change('deployment-web.yaml', (o) => { o.spec.template.spec.initContainers = [{ name: 'fetch', image: 'quay.io/x/y:1' }]; }),
    'Deployment/pr-42/web', 'spec.template.spec.initContainers[fetch].image', /not from a registry/],
  ['serversTransport from the file provider (x@file)', change('ingressroute-web.yaml', (o) => { o.spec.routes[0].services[0].serversTransport = 'x@file'; }),
    'IngressRoute/pr-42/web', 'spec.routes[0].services[0].serversTransport', /"x@file" is a provider-qualified reference/],
  ['TLS options of another provider', change('ingressroute-web.yaml', (o) => { o.spec.tls.options = { name: 'default@file' }; }),
    'IngressRoute/pr-42/web', 'spec.tls.options.name', /provider-qualified/],
  ['a SealedSecret templating a service-account token', sealed({ type: 'kubernetes.io/service-account-token' }),
    'SealedSecret/pr-42/creds', 'spec.template.type', /long-lived service-account token/],
  ['a SealedSecret templating a TLS Secret', sealed({ type: 'kubernetes.io/tls' }),
    'SealedSecret/pr-42/creds', 'spec.template.type', /are Opaque \(is "kubernetes\.io\/tls"\)/],
  ['a SealedSecret template annotating the account', sealed({ type: 'Opaque', metadata: { name: 'creds', annotations: { 'kubernetes.io/service-account.name': 'default' } } }),
    'SealedSecret/pr-42/creds', 'spec.template.metadata.annotations.kubernetes.io/service-account.name', /not allowed on a preview's Secret/],
  ['a Secret annotated for an account', add({ apiVersion: 'v1', kind: 'Secret', metadata: { ...meta('tok'), annotations: { 'kubernetes.io/service-account.name': 'default' } }, type: 'Opaque' }),
    'Secret/pr-42/tok', 'metadata.annotations.kubernetes.io/service-account.name', /not allowed/],
  ['static binding: storageClassName "" and a selector', change('persistentvolumeclaim-music.yaml', (o) => { o.spec.storageClassName = ''; o.spec.selector = { matchLabels: { app: 'sound-buzz' } }; }),
    'PersistentVolumeClaim/pr-42/music', 'spec.storageClassName', /"" is not the dev StorageClass/],
  ['a selector alone', change('persistentvolumeclaim-music.yaml', (o) => { o.spec.selector = { matchLabels: { app: 'sound-buzz' } }; }),
    'PersistentVolumeClaim/pr-42/music', 'spec.selector', /binds an existing PersistentVolume/],
  ['another StorageClass', change('statefulset-db.yaml', (o) => { o.spec.volumeClaimTemplates[0].spec.storageClassName = 'local-path'; }),
    'StatefulSet/pr-42/db', 'spec.volumeClaimTemplates[0].spec.storageClassName', /not the dev StorageClass/],
];

describe('publishing refuses what outlives, outgrows or escapes the preview (issue 12)', () => {
  it.each(escapes)('%s', (_what, edit, resource, field, message) => {
    const e = rejection(edit);
    expect(e.message).toMatch(message);
    expect(e.where).toMatchObject({ env: 'pr-42', resource, field });
  });
});

describe('publishing refuses every way out of the namespace', () => {
  it.each(attacks)('%s', (_what, edit, resource, field, message) => {
    const e = rejection(edit);
    expect(e.message).toMatch(message);
    expect(e.where).toMatchObject({ env: 'pr-42', resource, field });
  });

  it('reads files the way Argo CD does: one object per file, no aliases', () => {
    expect(rejection((f) => f.set('configmap-navidrome.yaml', `${f.get('configmap-navidrome.yaml')}---\n${f.get('configmap-wordpress.yaml')}`)).message).toMatch(/exactly one object \(found 2\)/);
    expect(rejection((f) => f.set('configmap-x.yaml', 'a: &a [1]\nb: *a\n')).message).toMatch(/not plain YAML/);
  });
});

describe('the limits in environments/preview.ts', () => {
  it('a misspelt quantity or an empty allowlist is an error naming the field, not a silent pass', () => {
    const bad = structuredClone(preview);
    bad.limits.quota.limits.cpu = '4 cores';
    expect(() => previewScope(bad, PR)).toThrow(/"4 cores" is not a quantity/);
    try {
      previewScope(bad, PR);
    } catch (e) {
      expect((e as RenderError).where).toMatchObject({ file: 'environments/preview.ts', field: 'limits.quota.limits.cpu' });
    }
    const none = structuredClone(preview);
    none.limits.imagePrefixes = [];
    expect(() => previewScope(none, PR)).toThrow(/lists no registry/);
    const host = structuredClone(preview);
    host.limits.imagePrefixes = ['ghcr.io'];
    expect(() => previewScope(host, PR)).toThrow(/is not <registry host>\/<path>/);
  });
});

describe('the render runs the same check', () => {
  it('refuses a rendered IngressRoute for a host outside pr-<n>', () => {
    const objects = renderPreview(preview, PR).objects.map((o) => structuredClone(o)) as Obj[];
    expect(() => checkConfinement(objects, scope)).not.toThrow();
    const route = objects.find((o) => o.kind === 'IngressRoute')!;
    route.spec.routes[0].match = 'Host(`sound-buzz.live`)';
    expect(() => checkConfinement(objects, scope)).toThrow(/"sound-buzz\.live" is outside the preview's domain: use pr-42\.dev\.sound-buzz\.live/);
  });
});
