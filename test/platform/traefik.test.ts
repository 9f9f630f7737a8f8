import { describe, expect, it } from 'vitest';
import { ClusterRole, ClusterRoleBinding, Deployment, IngressClass, IngressRoute, Middleware, Namespace, PersistentVolumeClaim, Service, ServiceAccount } from '../../platform/kinds.ts';
import { dev } from '../../environments/dev.ts';
import { traefik, traefikImage, type TraefikInput } from '../../platform/traefik.ts';
import { dashboardAuthSecretName } from '../../platform/traefik-dashboard.ts';
import { RenderError, type Component, type ModelInstance, type Resource } from '../../render/types.ts';
import { assertSchemaValid } from '../helpers/schema.ts';

/** A model instance's JSON, or the plain object as is. */
const plain = (r: Resource): unknown => (typeof (r as ModelInstance).toJSON === 'function' ? (r as ModelInstance).toJSON() : r);

const input: TraefikInput = {
  loadBalancerIp: { address: '10.0.0.201', pool: 'default' },
  storageClass: { name: 'fast-rwo', readWriteMany: false },
  acme: { issuer: 'letsencrypt', caServer: 'https://acme-staging-v02.api.letsencrypt.org/directory', endpoint: { internet: true, port: 443 } },
  email: 'ops@example.test',
  dashboardHost: 'traefik.example.test',
  versions: dev.platform,
};

const out = traefik(input);
const component = out.component;

function only<T>(ctor: new (...args: never[]) => T, from: Component = component): T {
  const found: unknown[] = from.resources.filter((r) => r instanceof ctor);
  if (found.length !== 1) throw new Error(`expected one ${ctor.name}, found ${found.length}`);
  return found[0] as T;
}

const deployment = only(Deployment);
const pod = deployment.spec!.template.spec!;
const container = pod.containers[0]!;
const args = container.args ?? [];
const service = only(Service);

describe('traefik', () => {
  it('is the traefik platform component, after storage and the ACME server', () => {
    expect(component).toMatchObject({ name: 'traefik', namespace: 'traefik', layer: 'platform', syncWave: -10 });
    expect(only(Namespace).metadata?.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  it('syncs the traefik.io CRDs (only those) from the chart tag, one wave earlier', () => {
    expect(component.upstream).toEqual([
      expect.objectContaining({ label: 'crds', repoURL: 'https://github.com/traefik/traefik-helm-chart', targetRevision: 'v41.3.0', path: 'traefik/crds', include: 'traefik.io_*.yaml', serverSideApply: true }),
    ]);
  });

  it('every object passes its kubernetes-models schema (traefik.io/v1alpha1 for the CRDs)', () => {
    for (const r of component.resources) {
      assertSchemaValid(r);
    }
    expect(only(IngressRoute).apiVersion).toBe('traefik.io/v1alpha1');
    expect(only(Middleware).apiVersion).toBe('traefik.io/v1alpha1');
  });

  it('one replica, replaced with Recreate (acme.json is a single-writer file on RWO)', () => {
    expect(deployment.spec).toMatchObject({ replicas: 1, strategy: { type: 'Recreate' } });
    expect(container.image).toBe(traefikImage(dev.platform.traefik));
    expect(container.image).toMatch(/:v3\.7\.\d+$/);
  });

  it('the data PVC uses the storage class passed in, RWO 128Mi, and survives prune/delete', () => {
    const pvc = only(PersistentVolumeClaim);
    expect(pvc.metadata?.name).toBe('traefik-data');
    expect(pvc.spec).toMatchObject({ accessModes: ['ReadWriteOnce'], storageClassName: 'fast-rwo', resources: { requests: { storage: '128Mi' } } });
    expect(pvc.metadata?.annotations?.['argocd.argoproj.io/sync-options']).toBe('Prune=false,Delete=false');
    const volume = pod.volumes!.find((v) => v.persistentVolumeClaim?.claimName === pvc.metadata?.name)!;
    expect(container.volumeMounts!.find((m) => m.name === volume.name)?.mountPath).toBe('/data');
    expect(args).toContain('--certificatesResolvers.letsencrypt.acme.storage=/data/acme.json');
  });

  it('the LoadBalancer Service asks MetalLB for the assigned address by annotation', () => {
    expect(service.spec?.type).toBe('LoadBalancer');
    expect(service.metadata?.annotations?.['metallb.io/loadBalancerIPs']).toBe('10.0.0.201');
    expect(service.spec?.loadBalancerIP).toBeUndefined();
    expect(service.spec?.ports).toEqual([
      { name: 'web', port: 80, targetPort: 'web', protocol: 'TCP' },
      { name: 'websecure', port: 443, targetPort: 'websecure', protocol: 'TCP' },
    ]);
    expect(service.spec?.selector).toEqual(deployment.spec?.selector.matchLabels);
  });

  it('entry points listen where the container ports and Service targets say', () => {
    const ports = Object.fromEntries(container.ports!.map((p) => [p.name, p.containerPort]));
    expect(ports).toEqual({ metrics: 9100, traefik: 8080, web: 8000, websecure: 8443 });
    for (const [name, port] of Object.entries(ports)) expect(args).toContain(`--entryPoints.${name}.address=:${port}/tcp`);
  });

  it('web redirects permanently to https on the exposed websecure port; websecure terminates TLS', () => {
    const websecurePort = service.spec!.ports!.find((p) => p.name === 'websecure')!.port;
    expect(args).toContain(`--entryPoints.web.http.redirections.entryPoint.to=:${websecurePort}`);
    expect(args).toContain('--entryPoints.web.http.redirections.entryPoint.scheme=https');
    expect(args).toContain('--entryPoints.web.http.redirections.entryPoint.permanent=true');
    expect(args).toContain('--entryPoints.websecure.http.tls=true');
  });

  it('CRD and Ingress providers, the Ingress one bound to the IngressClass it creates', () => {
    const ingressClass = only(IngressClass);
    expect(ingressClass.spec?.controller).toBe('traefik.io/ingress-controller');
    expect(args).toContain('--providers.kubernetesCRD');
    expect(args).toContain('--providers.kubernetesIngress');
    expect(args).toContain(`--providers.kubernetesIngress.ingressClass=${ingressClass.metadata?.name}`);
    expect(args).toContain(`--providers.kubernetesIngress.ingressEndpoint.publishedService=traefik/${service.metadata?.name}`);
  });

  it('the ACME resolver is named after the issuer, with email, caServer and an explicit challenge', () => {
    expect(args).toContain('--certificatesResolvers.letsencrypt.acme.email=ops@example.test');
    expect(args).toContain(`--certificatesResolvers.letsencrypt.acme.caServer=${input.acme.caServer}`);
    expect(args).toContain('--certificatesResolvers.letsencrypt.acme.httpChallenge.entryPoint=web');
  });

  it('probes /ping on the traefik entry point; non-root, read-only, no capabilities; resources set', () => {
    for (const probe of [container.readinessProbe, container.livenessProbe]) {
      expect(probe?.httpGet).toMatchObject({ path: '/ping', port: 8080 });
    }
    expect(pod.securityContext).toMatchObject({ runAsUser: 65532, runAsGroup: 65532, runAsNonRoot: true, fsGroup: 65532 });
    expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(container.resources?.requests).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
    expect(container.resources?.limits?.memory).toBeDefined();
  });

  it('RBAC: the ClusterRole reads traefik.io kinds and Ingresses, bound to the pod ServiceAccount', () => {
    const sa = only(ServiceAccount);
    expect(pod.serviceAccountName).toBe(sa.metadata?.name);
    const role = only(ClusterRole);
    expect(role.rules).toContainEqual(expect.objectContaining({ apiGroups: ['traefik.io'], verbs: ['get', 'list', 'watch'] }));
    expect(role.rules).toContainEqual({ apiGroups: ['extensions', 'networking.k8s.io'], resources: ['ingresses/status'], verbs: ['update'] });
    const binding = only(ClusterRoleBinding);
    expect(binding.roleRef.name).toBe(role.metadata?.name);
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: sa.metadata?.name, namespace: 'traefik' }]);
  });

  it('the dashboard route: websecure, its host, api@internal, basic auth from a Secret reference, TLS by the resolver', () => {
    const route = only(IngressRoute);
    const auth = only(Middleware);
    expect(route.spec.entryPoints).toEqual(['websecure']);
    const [rule] = route.spec.routes;
    expect(rule!.match).toBe('Host(`traefik.example.test`)');
    expect(rule!.services).toEqual([{ kind: 'TraefikService', name: 'api@internal' }]);
    expect(rule!.middlewares).toEqual([{ name: auth.metadata?.name }]);
    expect(auth.spec.basicAuth?.secret).toBe(dashboardAuthSecretName);
    expect(route.spec.tls).toEqual({ certResolver: 'letsencrypt' });
    expect(args.some((a) => a.startsWith('--api.insecure'))).toBe(false);
  });

  it('renders no Secret and no credentials', () => {
    expect(component.resources.some((r) => r.kind === 'Secret')).toBe(false);
    const text = JSON.stringify(component.resources.map(plain));
    expect(text).not.toMatch(/"users"|PRIVATE KEY|\$2[aby]\$/);
  });

  it('ingress facts come from the objects: class, namespace, entry points, resolver, address', () => {
    expect(out.ingress).toEqual({
      className: only(IngressClass).metadata?.name,
      namespace: component.namespace,
      entryPoints: { web: 'web', websecure: 'websecure' },
      certResolver: only(IngressRoute).spec.tls?.certResolver,
      loadBalancerIp: service.metadata?.annotations?.['metallb.io/loadBalancerIPs'],
    });
    expect(out.ingress.loadBalancerIp).toBe(input.loadBalancerIp.address);
  });

  it('rejects a bad dashboard host, a bad email, and key material posing as a CA', () => {
    expect(() => traefik({ ...input, dashboardHost: 'Traefik Dashboard' })).toThrow(RenderError);
    expect(() => traefik({ ...input, email: 'ops' })).toThrow(RenderError);
    const notACert = '-----BEGIN PRIVATE KEY-----\nplaceholder\n-----END PRIVATE KEY-----\n';
    expect(() => traefik({ ...input, trust: { key: 'root-cert.pem', pem: notACert } })).toThrow(RenderError);
  });

  it('is deterministic', () => {
    const again = traefik(input).component.resources.map(plain);
    expect(again).toEqual(component.resources.map(plain));
  });
});
