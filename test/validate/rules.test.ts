// Every rule: a bundle that must fail with that rule ID and a near-identical control that must pass.
import { describe, expect, it } from 'vitest';
import { RULES } from '../../render/validate/rules.ts';
import type { Finding, ValidateOptions } from '../../render/validate/index.ts';
import { cleanBundle, container, mutate, rules, validate, validateYaml, type Json } from './fixtures.ts';

interface Case {
  rule: string;
  name: string;
  bad: () => Finding[];
  good: () => Finding[];
}

const dep = (change: (d: Json) => void) => () => validate(mutate(change, 'Deployment'));
const obj = (kind: string, change: (o: Json) => void, options: Partial<ValidateOptions> = {}, name?: string) => () =>
  validate(mutate(change, kind, name), options);
const extra = (objects: Json[], options: Partial<ValidateOptions> = {}) => () => validate([...cleanBundle(), ...objects], options);

const DOC = (body: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: web\n${body}`;

const cases: Case[] = [
  // YAML
  { rule: 'yaml/syntax', name: 'unclosed flow sequence', bad: () => validateYaml(DOC('data: [1\n')), good: () => validateYaml(DOC('data: {}\n')) },
  { rule: 'yaml/duplicate-key', name: 'key twice', bad: () => validateYaml(DOC('data:\n  a: "1"\n  a: "2"\n')), good: () => validateYaml(DOC('data:\n  a: "1"\n  b: "2"\n')) },
  { rule: 'yaml/yaml11-boolean', name: 'unquoted on', bad: () => validateYaml(DOC('data:\n  enabled: on\n')), good: () => validateYaml(DOC('data:\n  enabled: "on"\n')) },
  { rule: 'yaml/not-an-object', name: 'scalar document', bad: () => validateYaml('just a string\n'), good: () => validateYaml(DOC('data: {}\n')) },

  // Schema
  { rule: 'schema/unknown-kind', name: 'misspelt kind', bad: obj('Service', (s) => (s.kind = 'Servic')), good: obj('Service', (s) => (s.kind = 'Service')) },
  { rule: 'schema/unknown-kind', name: 'CRD kind known from the inventory', bad: extra([{ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'web' } }]),
    good: extra([{ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'web' } }], {
      inventory: [{ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com' }, spec: { group: 'example.com', names: { kind: 'Widget' } } } as never,
        ...(cleanInventory())],
    }) },
  { rule: 'schema/invalid', name: 'replicas as a string', bad: dep((d) => (d.spec.replicas = '2')), good: dep((d) => (d.spec.replicas = 2)) },
  { rule: 'schema/invalid', name: 'enum typo', bad: dep((d) => (container(d).imagePullPolicy = 'always')), good: dep((d) => (container(d).imagePullPolicy = 'Always')) },
  { rule: 'schema/invalid', name: 'YAML 1.1 boolean into a string field', bad: () => validateYaml(DOC('data:\n  enabled: yes\n')), good: () => validateYaml(DOC('data:\n  enabled: "yes"\n')) },
  { rule: 'schema/unknown-field', name: 'containrs', bad: dep((d) => (d.spec.template.spec.containrs = [])), good: dep((d) => (d.spec.template.spec.containers[0].name = 'web')) },
  { rule: 'schema/unknown-field', name: 'v1beta1 backend fields in a v1 Ingress', bad: obj('Ingress', (i) => (i.spec.rules[0].http.paths[0].backend = { serviceName: 'web', servicePort: 80 })),
    good: obj('Ingress', (i) => (i.spec.rules[0].http.paths[0].backend = { service: { name: 'web', port: { number: 80 } } })) },
  { rule: 'schema/required', name: 'container without image', bad: dep((d) => delete container(d).image), good: dep((d) => (container(d).image = 'registry.example.org/web:1.2.4')) },
  { rule: 'schema/required', name: 'no metadata.name', bad: obj('ConfigMap', (c) => delete c.metadata.name), good: obj('ConfigMap', (c) => (c.metadata.name = 'web-config')) },
  { rule: 'schema/name', name: 'underscore in a name', bad: obj('ConfigMap', (c) => (c.metadata.name = 'web_config')), good: obj('ConfigMap', (c) => (c.metadata.name = 'web.config')) },
  { rule: 'schema/name', name: 'Service names are RFC-1035 labels (no dots, letter first)', bad: obj('Service', (s) => (s.metadata.name = '1web')), good: obj('Service', (s) => (s.metadata.name = 'web')) },
  { rule: 'schema/name', name: '254-character subdomain', bad: obj('ConfigMap', (c) => (c.metadata.name = 'a'.repeat(254))), good: obj('ConfigMap', (c) => (c.metadata.name = 'a'.repeat(253))) },
  { rule: 'schema/name', name: 'duplicate container names', bad: dep((d) => d.spec.template.spec.containers.push({ ...container(d), ports: [] })),
    good: dep((d) => d.spec.template.spec.containers.push({ ...container(d), name: 'web2', ports: [] })) },
  { rule: 'schema/name', name: 'CronJob name longer than 52', bad: extra([cronJob('c'.repeat(53))]), good: extra([cronJob('c'.repeat(52))]) },
  { rule: 'schema/label', name: '64-character label value', bad: dep((d) => (d.metadata.labels.tier = 'v'.repeat(64))), good: dep((d) => (d.metadata.labels.tier = 'v'.repeat(63))) },
  { rule: 'schema/label', name: 'bad label key', bad: dep((d) => (d.metadata.labels['bad key!'] = 'x')), good: dep((d) => (d.metadata.labels['example.com/good-key'] = 'x')) },
  { rule: 'schema/label', name: 'label prefix not a subdomain', bad: dep((d) => (d.metadata.labels['Example.COM/k'] = 'x')), good: dep((d) => (d.metadata.labels['example.com/k'] = '')) },
  { rule: 'schema/annotation', name: 'annotation key with two slashes', bad: obj('Service', (s) => (s.metadata.annotations = { 'a/b/c': 'x' })), good: obj('Service', (s) => (s.metadata.annotations = { 'a.io/b': 'x' })) },
  { rule: 'schema/int-or-string', name: 'maxSurge: lots', bad: dep((d) => (d.spec.strategy.rollingUpdate.maxSurge = 'lots')), good: dep((d) => (d.spec.strategy.rollingUpdate.maxSurge = '50%')) },
  { rule: 'schema/int-or-string', name: 'probe port not a name', bad: dep((d) => (container(d).readinessProbe.httpGet.port = 'Not A Port')), good: dep((d) => (container(d).readinessProbe.httpGet.port = 8080)) },
  { rule: 'schema/port', name: 'containerPort 70000', bad: dep((d) => (container(d).ports[0].containerPort = 70000)), good: dep((d) => (container(d).ports[0].containerPort = 65535)) },
  { rule: 'schema/port', name: '16-character port name', bad: dep((d) => { container(d).ports[0].name = 'h'.repeat(16); container(d).readinessProbe.httpGet.port = 8080; }),
    good: dep((d) => { container(d).ports[0].name = 'h'.repeat(15); container(d).readinessProbe.httpGet.port = 8080; }) },
  { rule: 'schema/port', name: 'probe names an undeclared port', bad: dep((d) => (container(d).readinessProbe.httpGet.port = 'metrics')), good: dep((d) => (container(d).readinessProbe.httpGet.port = 'http')) },
  { rule: 'schema/quantity', name: 'negative memory', bad: dep((d) => (container(d).resources.requests.memory = '-1')), good: dep((d) => (container(d).resources.requests.memory = '1')) },
  { rule: 'schema/quantity', name: 'unit the API server lacks', bad: dep((d) => (container(d).resources.requests.memory = '100h')), good: dep((d) => (container(d).resources.requests.memory = '100M')) },
  { rule: 'schema/quantity', name: 'misspelt resource name', bad: dep((d) => (container(d).resources.requests.memroy = '1Gi')), good: dep((d) => (container(d).resources.requests['example.com/gpu'] = '1')) },
  { rule: 'schema/requests-exceed-limits', name: 'request above limit', bad: dep((d) => (container(d).resources.requests.memory = '512Mi')), good: dep((d) => (container(d).resources.requests.memory = '256Mi')) },
  { rule: 'schema/selector-mismatch', name: 'selector not matching template', bad: dep((d) => (d.spec.selector = { matchLabels: { app: 'other' } })),
    good: dep((d) => (d.spec.selector = { matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'In', values: ['web', 'other'] }] })) },

  // API versions
  { rule: 'api/removed', name: 'autoscaling/v2beta2 on 1.33', bad: obj('HorizontalPodAutoscaler', (h) => (h.apiVersion = 'autoscaling/v2beta2')), good: obj('HorizontalPodAutoscaler', (h) => (h.apiVersion = 'autoscaling/v2beta2'), { kubeVersion: '1.25' }) },
  { rule: 'api/removed', name: 'policy/v1beta1 PDB on 1.25', bad: obj('PodDisruptionBudget', (p) => (p.apiVersion = 'policy/v1beta1'), { kubeVersion: '1.25' }), good: obj('PodDisruptionBudget', (p) => (p.apiVersion = 'policy/v1'), { kubeVersion: '1.25' }) },
  { rule: 'api/deprecated', name: 'autoscaling/v2beta2 on 1.24', bad: obj('HorizontalPodAutoscaler', (h) => (h.apiVersion = 'autoscaling/v2beta2'), { kubeVersion: '1.24' }), good: obj('HorizontalPodAutoscaler', (h) => (h.apiVersion = 'autoscaling/v2beta2'), { kubeVersion: '1.22' }) },

  // Cross-references
  { rule: 'ref/duplicate', name: 'same ConfigMap twice', bad: extra([cleanBundle()[0]]), good: extra([{ ...cleanBundle()[0], metadata: { name: 'web-config', namespace: 'other' } }]) },
  { rule: 'ref/service-selector', name: 'selector typo', bad: obj('Service', (s) => (s.spec.selector = { 'app.kubernetes.io/name': 'wbe' })), good: obj('Service', (s) => (s.spec.selector = { 'app.kubernetes.io/name': 'web' })) },
  { rule: 'ref/ingress-backend', name: 'Ingress to a missing Service', bad: obj('Ingress', (i) => (i.spec.rules[0].http.paths[0].backend.service.name = 'wbe')), good: obj('Ingress', (i) => (i.spec.rules[0].http.paths[0].backend.service.name = 'web')) },
  { rule: 'ref/ingress-backend', name: 'Ingress to a port the Service lacks', bad: obj('Ingress', (i) => (i.spec.rules[0].http.paths[0].backend.service.port = { number: 8080 })), good: obj('Ingress', (i) => (i.spec.rules[0].http.paths[0].backend.service.port = { number: 80 })) },
  { rule: 'ref/ingress-backend', name: 'IngressRoute port by name', bad: obj('IngressRoute', (r) => (r.spec.routes[0].services[0].port = 'https')), good: obj('IngressRoute', (r) => (r.spec.routes[0].services[0].port = 'http')) },
  { rule: 'ref/ingress-class', name: 'unknown IngressClass', bad: obj('Ingress', (i) => (i.spec.ingressClassName = 'nginx')), good: obj('Ingress', (i) => delete i.spec.ingressClassName) },
  { rule: 'ref/middleware', name: 'missing Middleware', bad: obj('IngressRoute', (r) => (r.spec.routes[0].middlewares[0].name = 'nope')), good: obj('IngressRoute', (r) => (r.spec.routes[0].middlewares[0].name = 'web-headers')) },
  { rule: 'ref/storage-class', name: 'unknown StorageClass', bad: obj('PersistentVolumeClaim', (p) => (p.spec.storageClassName = 'fast')), good: obj('PersistentVolumeClaim', (p) => (p.spec.storageClassName = '')) },
  { rule: 'ref/storage-class', name: 'no class and no default', bad: obj('PersistentVolumeClaim', (p) => delete p.spec.storageClassName),
    good: obj('PersistentVolumeClaim', (p) => delete p.spec.storageClassName, { inventory: [...cleanInventory(), { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'd', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } } as never] }) },
  { rule: 'ref/configmap', name: 'envFrom a missing ConfigMap', bad: dep((d) => (container(d).envFrom[0].configMapRef.name = 'nope')), good: dep((d) => (container(d).envFrom[0].configMapRef = { name: 'nope', optional: true })) },
  { rule: 'ref/configmap', name: 'volume item key missing', bad: dep((d) => (d.spec.template.spec.volumes[0].configMap.items[0].key = 'NOPE')), good: dep((d) => (d.spec.template.spec.volumes[0].configMap.name = 'kube-root-ca.crt', d.spec.template.spec.volumes[0].configMap.items[0].key = 'ca.crt')) },
  { rule: 'ref/secret', name: 'secretKeyRef key not sealed', bad: dep((d) => (container(d).env[0].valueFrom.secretKeyRef.key = 'user')), good: dep((d) => (container(d).env[0].valueFrom.secretKeyRef.optional = true, container(d).env[0].valueFrom.secretKeyRef.key = 'user')) },
  { rule: 'ref/secret', name: 'TLS secret not anywhere', bad: obj('Ingress', (i) => (i.spec.tls[0].secretName = 'other-tls')), good: obj('Ingress', (i) => (i.spec.tls[0].secretName = 'web-tls')) },
  { rule: 'ref/service-account', name: 'missing ServiceAccount', bad: dep((d) => (d.spec.template.spec.serviceAccountName = 'builder')), good: dep((d) => (d.spec.template.spec.serviceAccountName = 'default')) },
  { rule: 'ref/scale-target', name: 'HPA to a missing Deployment', bad: obj('HorizontalPodAutoscaler', (h) => (h.spec.scaleTargetRef.name = 'api')), good: obj('HorizontalPodAutoscaler', (h) => (h.spec.scaleTargetRef.name = 'web')) },
  { rule: 'ref/pdb-selector', name: 'PDB selecting nothing', bad: obj('PodDisruptionBudget', (p) => (p.spec.selector = { matchLabels: { app: 'api' } })), good: obj('PodDisruptionBudget', (p) => (p.spec.selector = {})) },
  { rule: 'ref/networkpolicy-selector', name: 'NetworkPolicy selecting nothing', bad: obj('NetworkPolicy', (n) => (n.spec.podSelector = { matchLabels: { app: 'api' } })), good: obj('NetworkPolicy', (n) => (n.spec.podSelector = {})) },
  { rule: 'ref/argocd-path', name: 'Application path missing', bad: obj('Application', (a) => (a.spec.source.path = 'rendered/dev/wbe')), good: obj('Application', (a) => (a.spec.source.repoURL = 'https://github.com/upstream/chart.git', a.spec.source.path = 'rendered/dev/wbe')) },

  // Policy
  { rule: 'policy/image-tag', name: 'untagged image', bad: dep((d) => (container(d).image = 'registry.example.org:5000/web')), good: dep((d) => (container(d).image = `registry.example.org:5000/web@sha256:${'a'.repeat(64)}`)) },
  { rule: 'policy/image-tag', name: ':latest', bad: dep((d) => (container(d).image = 'web:latest')), good: dep((d) => (container(d).image = 'web:1.2.3')) },
  { rule: 'policy/resources', name: 'no memory limit', bad: dep((d) => delete container(d).resources.limits), good: dep((d) => (container(d).resources.limits = { memory: '128Mi' })) },
  { rule: 'policy/probes', name: 'no probes', bad: dep((d) => (delete container(d).readinessProbe, delete container(d).livenessProbe)), good: dep((d) => delete container(d).readinessProbe) },
  { rule: 'policy/probes', name: 'Jobs are exempt', bad: extra([asDeployment(job())]), good: extra([job()]) },
  { rule: 'policy/privileged', name: 'privileged container', bad: dep((d) => (container(d).securityContext = { privileged: true })), good: dep((d) => (container(d).securityContext = { privileged: false })) },
  { rule: 'policy/host-path', name: 'hostPath volume', bad: dep((d) => (d.spec.template.spec.volumes.push({ name: 'host', hostPath: { path: '/var/run' } }))), good: dep((d) => d.spec.template.spec.volumes.push({ name: 'host', emptyDir: {} })) },
  { rule: 'policy/run-as-non-root', name: 'no runAsNonRoot', bad: dep((d) => (d.spec.template.spec.securityContext = {})), good: dep((d) => (d.spec.template.spec.securityContext = {}, container(d).securityContext = { runAsNonRoot: true })) },
  { rule: 'policy/run-as-non-root', name: 'UID 0', bad: dep((d) => (container(d).securityContext = { runAsUser: 0 })), good: dep((d) => (container(d).securityContext = { runAsUser: 1 })) },
  { rule: 'policy/plaintext-secret', name: 'Secret with data', bad: extra([{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'web' }, stringData: { token: 'fake-test-value' } }]),
    good: extra([{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'web' }, type: 'kubernetes.io/service-account-token' }]) },
  { rule: 'policy/opt-out', name: 'opt-out without a reason', bad: dep((d) => (d.metadata.annotations = { 'validation.gitops/opt-out': 'policy/probes' })),
    good: dep((d) => (d.metadata.annotations = { 'validation.gitops/opt-out': 'policy/probes=serves no HTTP; exits when idle' })) },
  { rule: 'policy/opt-out', name: 'opting out of a schema rule', bad: dep((d) => (d.metadata.annotations = { 'validation.gitops/opt-out': 'schema/name=I like underscores' })),
    good: dep((d) => (d.metadata.annotations = { 'validation.gitops/opt-out': 'policy/image-tag=pinned by the mirror' })) },
];

function cleanInventory() {
  return [
    { apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'traefik' } },
    { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'nfs-client' } },
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'web-tls', namespace: 'web' } },
  ] as never[];
}

function cronJob(name: string): Json {
  return {
    apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name, namespace: 'web' },
    spec: { schedule: '0 3 * * *', jobTemplate: { spec: { template: { spec: { restartPolicy: 'OnFailure', securityContext: { runAsNonRoot: true },
      containers: [{ name: 'job', image: 'registry.example.org/job:1.0.0', resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '32Mi' } } }] } } } } },
  };
}

function asDeployment(j: Json): Json {
  j.kind = 'Deployment';
  j.apiVersion = 'apps/v1';
  j.spec.selector = { matchLabels: { j: 'x' } };
  j.spec.template.spec.restartPolicy = 'Always';
  return j;
}

function job(): Json {
  return {
    apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'migrate', namespace: 'web' },
    spec: { template: { metadata: { labels: { j: 'x' } }, spec: { restartPolicy: 'Never', securityContext: { runAsNonRoot: true },
      containers: [{ name: 'job', image: 'registry.example.org/job:1.0.0', resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '32Mi' } } }] } } },
  };
}

describe('the clean bundle', () => {
  it('has no findings at all', () => {
    expect(validate(cleanBundle())).toEqual([]);
  });
});

describe.each(cases)('$rule: $name', (c) => {
  it('fails with the rule', () => {
    expect(rules(c.bad())).toContain(c.rule);
  });
  it('near-identical control passes', () => {
    expect(rules(c.good())).not.toContain(c.rule);
  });
});

describe('coverage', () => {
  it('every rule in the catalogue has a failing case and a control', () => {
    const tested = new Set(cases.map((c) => c.rule));
    expect(RULES.map((r) => r.id).filter((id) => !tested.has(id))).toEqual([]);
  });
});
