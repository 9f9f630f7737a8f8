// Every rule: a bundle that must fail with that rule ID and a near-identical control that must pass.
import { describe, expect, it } from 'vitest';
import { RULES } from '../../render/validate/rules.ts';
import type { Finding, ValidateOptions } from '../../render/validate/index.ts';
import { stringify } from 'yaml';
import { cleanBundle, container, inventory, metricsApi, mutate, policyEnforcer, rules, validate, validateYaml, type Json } from './fixtures.ts';

interface Case {
  rule: string;
  name: string;
  bad: () => Finding[];
  good: () => Finding[];
}

const dep = (change: (d: Json) => void) => () => validate(mutate(change, 'Deployment'));
const obj = (kind: string, change: (o: Json) => void, options: Partial<ValidateOptions> = {}, name?: string) => () =>
  validate(mutate(change, kind, name), options);
/** The clean inventory without some of its objects. */
function inventoryWithout(...gone: Json[]): never[] {
  return inventory.filter((o) => !gone.includes(o)) as never[];
}
const extra = (objects: Json[], options: Partial<ValidateOptions> = {}) => () => validate([...cleanBundle(), ...objects], options);

/** The clean Deployment as YAML text, its config volume's defaultMode written as `mode` verbatim. */
const deploymentWithMode = (mode: string) => () => {
  const d = cleanBundle().find((o) => o.kind === 'Deployment')!;
  d.spec.template.spec.volumes[0].configMap.defaultMode = 999;
  return validateYaml(stringify(d).replace('defaultMode: 999', `defaultMode: ${mode}`));
};
const cron = (change: (c: Json) => void) => extra([withChange(cronJob('backup'), change)]);
const cronSchedule = (schedule: string) => cron((c) => (c.spec.schedule = schedule));
const cronPod = (c: Json): Json => c.spec.jobTemplate.spec.template.spec;
const jobWith = (change: (j: Json) => void) => extra([withChange(job(), change)]);
const svcPort = (change: (p: Json) => void) => obj('Service', (s) => change(s.spec.ports[0]));

/** A Secret of `n` bytes of stringData plus one decoded byte of data ("eA==" is "x"). */
const bigSecret = (n: number): Json => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'big', namespace: 'web' }, stringData: { a: 'x'.repeat(n) }, data: { b: 'eA==' } });
const DOC = (body: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: web\n${body}`;

const cases: Case[] = [
  // YAML
  { rule: 'yaml/syntax', name: 'unclosed flow sequence', bad: () => validateYaml(DOC('data: [1\n')), good: () => validateYaml(DOC('data: {}\n')) },
  { rule: 'yaml/duplicate-key', name: 'key twice', bad: () => validateYaml(DOC('data:\n  a: "1"\n  a: "2"\n')), good: () => validateYaml(DOC('data:\n  a: "1"\n  b: "2"\n')) },
  { rule: 'yaml/yaml11-boolean', name: 'unquoted on', bad: () => validateYaml(DOC('data:\n  enabled: on\n')), good: () => validateYaml(DOC('data:\n  enabled: "on"\n')) },
  { rule: 'yaml/yaml11-octal', name: 'defaultMode: 0644 (420 to kubectl)', bad: deploymentWithMode('0644'), good: deploymentWithMode('420') },
  { rule: 'yaml/yaml11-octal', name: 'mode: 0755 in a string field', bad: () => validateYaml(DOC('data:\n  mode: 0755\n')), good: () => validateYaml(DOC('data:\n  mode: "0755"\n')) },
  { rule: 'yaml/yaml11-octal', name: 'zero and plain decimals are not octal', bad: () => validateYaml(DOC('data:\n  mode: -0644\n')), good: () => validateYaml(DOC('data:\n  a: 0\n  b: 00\n  c: 644\n')) },
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
  { rule: 'schema/too-large', name: 'ConfigMap data over 1 MiB', bad: obj('ConfigMap', (c) => (c.data = { a: 'x'.repeat(1024 * 1024 - 9), b: 'y'.repeat(10) })), good: obj('ConfigMap', (c) => (c.data = { a: 'x'.repeat(1024 * 1024 - 10), b: 'y'.repeat(10) })) },
  { rule: 'schema/too-large', name: 'Secret data (decoded) and stringData over 1 MiB', bad: extra([bigSecret(1024 * 1024)]), good: extra([bigSecret(1024 * 1024 - 1)]) },
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
  { rule: 'schema/invalid', name: 'YAML 1.1 octal into a string field', bad: () => validateYaml(DOC('data:\n  mode: 0755\n')), good: () => validateYaml(DOC('data:\n  mode: "0755"\n')) },
  { rule: 'schema/restart-policy', name: 'Job without restartPolicy (defaults to Always)', bad: jobWith((j) => delete j.spec.template.spec.restartPolicy), good: jobWith((j) => (j.spec.template.spec.restartPolicy = 'OnFailure')) },
  { rule: 'schema/restart-policy', name: 'Job with Always', bad: jobWith((j) => (j.spec.template.spec.restartPolicy = 'Always')), good: jobWith((j) => (j.spec.template.spec.restartPolicy = 'Never')) },
  { rule: 'schema/restart-policy', name: 'CronJob job template without restartPolicy', bad: cron((c) => delete cronPod(c).restartPolicy), good: cron((c) => (cronPod(c).restartPolicy = 'Never')) },
  { rule: 'schema/restart-policy', name: 'podFailurePolicy needs Never', bad: jobWith((j) => (j.spec.podFailurePolicy = { rules: [] }, j.spec.template.spec.restartPolicy = 'OnFailure')),
    good: jobWith((j) => (j.spec.podFailurePolicy = { rules: [] }, j.spec.template.spec.restartPolicy = 'Never')) },
  { rule: 'schema/restart-policy', name: 'Deployment with OnFailure', bad: dep((d) => (d.spec.template.spec.restartPolicy = 'OnFailure')), good: dep((d) => (d.spec.template.spec.restartPolicy = 'Always')) },
  { rule: 'schema/restart-policy', name: 'StatefulSet with Never', bad: extra([asStatefulSet(job(), 'Never')]), good: extra([asStatefulSet(job(), undefined)]) },
  { rule: 'schema/cron-schedule', name: 'six fields (seconds)', bad: cronSchedule('0 0 3 * * *'), good: cronSchedule('0 3 * * *') },
  { rule: 'schema/cron-schedule', name: 'four fields', bad: cronSchedule('0 3 * *'), good: cronSchedule('0 3 * * *') },
  { rule: 'schema/cron-schedule', name: 'day of week 7 (robfig/cron stops at 6)', bad: cronSchedule('0 3 * * 7'), good: cronSchedule('0 3 * * 0') },
  { rule: 'schema/cron-schedule', name: 'names, ranges, steps and lists', bad: cronSchedule('*/15 9-17 1,15 jan-jun mon-fry'), good: cronSchedule('*/15 9-17 1,15 JAN-jun mon-fri') },
  { rule: 'schema/cron-schedule', name: 'hour 24', bad: cronSchedule('0 24 * * *'), good: cronSchedule('0 23 * * *') },
  { rule: 'schema/cron-schedule', name: 'day of month 0', bad: cronSchedule('0 3 0 * *'), good: cronSchedule('0 3 1 * *') },
  { rule: 'schema/cron-schedule', name: 'reversed range', bad: cronSchedule('0 17-9 * * *'), good: cronSchedule('0 9-17 * * *') },
  { rule: 'schema/cron-schedule', name: 'step of zero', bad: cronSchedule('*/0 * * * *'), good: cronSchedule('5/10 * * * ?') },
  { rule: 'schema/cron-schedule', name: 'two slashes', bad: cronSchedule('*/5/2 * * * *'), good: cronSchedule('0-30/5 * * * *') },
  { rule: 'schema/cron-schedule', name: 'unknown descriptor', bad: cronSchedule('@fortnightly'), good: cronSchedule('@weekly') },
  { rule: 'schema/cron-schedule', name: '@every needs a Go duration', bad: cronSchedule('@every 90'), good: cronSchedule('@every 1h30m') },
  { rule: 'schema/cron-schedule', name: 'CRON_TZ prefix (spec.timeZone since 1.27)', bad: cronSchedule('CRON_TZ=Europe/Paris 30 2 * * *'),
    good: cron((c) => (c.spec.schedule = '30 2 * * *', c.spec.timeZone = 'Europe/Paris')) },
  { rule: 'schema/cron-schedule', name: 'TZ prefix', bad: cronSchedule('TZ=UTC 30 2 * * *'), good: cronSchedule('@midnight') },
  { rule: 'schema/cron-schedule', name: 'English words', bad: cronSchedule('every tuesday'), good: cronSchedule('0 0 * * tue') },
  { rule: 'schema/time-zone', name: 'misspelt zone', bad: cron((c) => (c.spec.timeZone = 'Europe/Pari')), good: cron((c) => (c.spec.timeZone = 'Europe/Paris')) },
  { rule: 'schema/time-zone', name: 'zone names are case-sensitive', bad: cron((c) => (c.spec.timeZone = 'europe/paris')), good: cron((c) => (c.spec.timeZone = 'America/Argentina/Buenos_Aires')) },
  { rule: 'schema/time-zone', name: 'an alias of a zone is a zone too (UTC, US/Eastern)', bad: cron((c) => (c.spec.timeZone = 'US/Easterm')), good: cron((c) => (c.spec.timeZone = 'US/Eastern')) },
  { rule: 'schema/time-zone', name: 'UTC is a zone', bad: cron((c) => (c.spec.timeZone = 'utc')), good: cron((c) => (c.spec.timeZone = 'UTC')) },
  { rule: 'schema/time-zone', name: 'an offset is not a zone', bad: cron((c) => (c.spec.timeZone = '+01:00')), good: cron((c) => (c.spec.timeZone = 'Etc/GMT-1')) },
  { rule: 'schema/time-zone', name: 'Local', bad: cron((c) => (c.spec.timeZone = 'Local')), good: cron((c) => (c.spec.timeZone = 'UTC')) },
  { rule: 'schema/time-zone', name: 'empty', bad: cron((c) => (c.spec.timeZone = '')), good: cron((c) => delete c.spec.timeZone) },
  { rule: 'schema/promql', name: 'unbalanced parenthesis', bad: extra([promRule({ expr: 'sum(rate(http_requests_total[5m])' })]), good: extra([promRule({})]) },
  { rule: 'schema/promql', name: 'a recording rule with an empty expression', bad: extra([promRule({ alert: undefined, record: 'job:up:sum', expr: ' ' })]), good: extra([promRule({ alert: undefined, record: 'job:up:sum', expr: 'sum by (job) (up)' })]) },
  { rule: 'schema/alert-metadata', name: 'alert without severity', bad: extra([promRule({ labels: {} })]), good: extra([promRule({})]) },
  { rule: 'schema/alert-metadata', name: 'severity outside the routed set', bad: extra([promRule({ labels: { severity: 'page' } })]), good: extra([promRule({ labels: { severity: 'critical' } })]) },
  { rule: 'schema/alert-metadata', name: 'alert without summary', bad: extra([promRule({ annotations: { description: 'x' } })]), good: extra([promRule({ annotations: { summary: 'Target down' } })]) },
  { rule: 'schema/host', name: 'upper-case Ingress host', bad: obj('Ingress', (i) => (i.spec.rules[0].host = 'Web.example.org')), good: obj('Ingress', (i) => (i.spec.rules[0].host = 'web.example.org')) },
  { rule: 'schema/host', name: 'Ingress wildcard only as the first label', bad: obj('Ingress', (i) => (i.spec.rules[0].host = 'web.*.example.org')), good: obj('Ingress', (i) => (i.spec.rules[0].host = '*.example.org')) },
  { rule: 'schema/host', name: 'Ingress host as an IP address', bad: obj('Ingress', (i) => (i.spec.rules[0].host = '172.16.0.200')), good: obj('Ingress', (i) => delete i.spec.rules[0].host) },
  { rule: 'schema/host', name: 'underscore in a TLS host', bad: obj('Ingress', (i) => (i.spec.tls[0].hosts = ['web_1.example.org'])), good: obj('Ingress', (i) => (i.spec.tls[0].hosts = ['web-1.example.org', '*.example.org'])) },
  { rule: 'schema/host', name: 'upper-case IngressRoute Host()', bad: obj('IngressRoute', (r) => (r.spec.routes[0].match = 'Host(`Web.example.org`) && PathPrefix(`/api`)')),
    good: obj('IngressRoute', (r) => (r.spec.routes[0].match = 'Host(`web.example.org`) && PathPrefix(`/API`)')) },
  { rule: 'schema/host', name: 'no wildcard in IngressRoute Host()', bad: obj('IngressRoute', (r) => (r.spec.routes[0].match = 'Host(`*.example.org`)')),
    good: obj('IngressRoute', (r) => (r.spec.routes[0].match = 'HostRegexp(`^.+\\.example\\.org$`)')) },
  { rule: 'schema/host', name: 'every Host() argument (Traefik v2 lists)', bad: obj('IngressRoute', (r) => (r.spec.routes[0].match = 'Host(`web.example.org`, `Www.example.org`)')),
    good: obj('IngressRoute', (r) => (r.spec.routes[0].match = 'Host(`web.example.org`, `www.example.org`) || Host("api.example.org")')) },

  // API versions
  { rule: 'api/removed', name: 'autoscaling/v2beta2 on 1.33', bad: obj('HorizontalPodAutoscaler', (h) => (h.apiVersion = 'autoscaling/v2beta2')), good: obj('HorizontalPodAutoscaler', (h) => (h.apiVersion = 'autoscaling/v2beta2'), { kubeVersion: '1.25' }) },
  { rule: 'api/removed', name: 'policy/v1beta1 PDB on 1.25', bad: obj('PodDisruptionBudget', (p) => (p.apiVersion = 'policy/v1beta1'), { kubeVersion: '1.25' }), good: obj('PodDisruptionBudget', (p) => (p.apiVersion = 'policy/v1'), { kubeVersion: '1.25' }) },
  { rule: 'api/deprecated', name: 'autoscaling/v2beta2 on 1.24', bad: obj('HorizontalPodAutoscaler', (h) => (h.apiVersion = 'autoscaling/v2beta2'), { kubeVersion: '1.24' }), good: obj('HorizontalPodAutoscaler', (h) => (h.apiVersion = 'autoscaling/v2beta2'), { kubeVersion: '1.22' }) },

  // Cross-references
  { rule: 'ref/duplicate', name: 'same ConfigMap twice', bad: extra([cleanBundle()[0]]), good: extra([{ ...cleanBundle()[0], metadata: { name: 'web-config', namespace: 'other' } }]) },
  { rule: 'ref/service-selector', name: 'selector typo', bad: obj('Service', (s) => (s.spec.selector = { 'app.kubernetes.io/name': 'wbe' })), good: obj('Service', (s) => (s.spec.selector = { 'app.kubernetes.io/name': 'web' })) },
  { rule: 'ref/target-port', name: 'targetPort names no declared port', bad: svcPort((p) => (p.targetPort = 'htp')), good: svcPort((p) => (p.targetPort = 'http')) },
  { rule: 'ref/target-port', name: 'named port with another protocol', bad: svcPort((p) => (p.protocol = 'UDP')), good: svcPort((p) => (p.protocol = 'TCP')) },
  { rule: 'ref/target-port', name: 'named port on a plain init container vs a sidecar', bad: () => validate(sidecarPort(undefined)), good: () => validate(sidecarPort('Always')) },
  { rule: 'ref/target-port-number', name: 'targetPort number not declared', bad: svcPort((p) => (p.targetPort = 8081)), good: svcPort((p) => (p.targetPort = 8080)) },
  { rule: 'ref/target-port-number', name: 'no targetPort: the port number is used', bad: svcPort((p) => delete p.targetPort), good: svcPort((p) => (delete p.targetPort, p.port = 8080)) },
  { rule: 'ref/ingress-backend', name: 'Ingress to a missing Service', bad: obj('Ingress', (i) => (i.spec.rules[0].http.paths[0].backend.service.name = 'wbe')), good: obj('Ingress', (i) => (i.spec.rules[0].http.paths[0].backend.service.name = 'web')) },
  { rule: 'ref/ingress-backend', name: 'Ingress to a port the Service lacks', bad: obj('Ingress', (i) => (i.spec.rules[0].http.paths[0].backend.service.port = { number: 8080 })), good: obj('Ingress', (i) => (i.spec.rules[0].http.paths[0].backend.service.port = { number: 80 })) },
  { rule: 'ref/ingress-backend', name: 'IngressRoute port by name', bad: obj('IngressRoute', (r) => (r.spec.routes[0].services[0].port = 'https')), good: obj('IngressRoute', (r) => (r.spec.routes[0].services[0].port = 'http')) },
  { rule: 'ref/ingress-class', name: 'unknown IngressClass', bad: obj('Ingress', (i) => (i.spec.ingressClassName = 'nginx')), good: obj('Ingress', (i) => delete i.spec.ingressClassName) },
  { rule: 'ref/middleware', name: 'missing Middleware', bad: obj('IngressRoute', (r) => (r.spec.routes[0].middlewares[0].name = 'nope')), good: obj('IngressRoute', (r) => (r.spec.routes[0].middlewares[0].name = 'web-headers')) },
  { rule: 'ref/outside-bundle', name: 'an open bundle notes what it cannot see', bad: obj('PersistentVolumeClaim', (p) => (p.spec.storageClassName = 'fast'), { closed: false }), good: obj('PersistentVolumeClaim', (p) => (p.spec.storageClassName = ''), { closed: false }) },
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
  { rule: 'ref/metrics-api', name: 'HPA on the default CPU metric, no metrics-server', bad: obj('HorizontalPodAutoscaler', () => {}, { inventory: inventoryWithout(metricsApi) }), good: obj('HorizontalPodAutoscaler', () => {}) },
  { rule: 'ref/metrics-api', name: 'HPA on an External metric, no external metrics adapter', bad: obj('HorizontalPodAutoscaler', (h) => (h.spec.metrics = [{ type: 'External', external: { metric: { name: 'queue_depth' }, target: { type: 'AverageValue', averageValue: '30' } } }])),
    good: obj('HorizontalPodAutoscaler', (h) => (h.spec.metrics = [{ type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 70 } } }])) },
  { rule: 'ref/metrics-api', name: 'autoscaling/v1 always reads CPU', bad: obj('HorizontalPodAutoscaler', (h) => (h.apiVersion = 'autoscaling/v1', h.spec.targetCPUUtilizationPercentage = 60), { inventory: inventoryWithout(metricsApi) }),
    good: obj('HorizontalPodAutoscaler', (h) => (h.apiVersion = 'autoscaling/v1', h.spec.targetCPUUtilizationPercentage = 60)) },
  { rule: 'ref/networkpolicy-selector', name: 'NetworkPolicy selecting nothing', bad: obj('NetworkPolicy', (n) => (n.spec.podSelector = { matchLabels: { app: 'api' } })), good: obj('NetworkPolicy', (n) => (n.spec.podSelector = {})) },
  { rule: 'ref/argocd-path', name: 'Application path missing', bad: obj('Application', (a) => (a.spec.source.path = 'rendered/dev/wbe')), good: obj('Application', (a) => (a.spec.source.repoURL = 'https://github.com/upstream/chart.git', a.spec.source.path = 'rendered/dev/wbe')) },

  // Policy
  { rule: 'policy/image-tag', name: 'untagged image', bad: dep((d) => (container(d).image = 'registry.example.org:5000/web')), good: dep((d) => (container(d).image = `registry.example.org:5000/web@sha256:${'a'.repeat(64)}`)) },
  { rule: 'policy/image-tag', name: ':latest', bad: dep((d) => (container(d).image = 'web:latest')), good: dep((d) => (container(d).image = 'web:1.2.3')) },
  { rule: 'policy/resources', name: 'no memory limit', bad: dep((d) => delete container(d).resources.limits), good: dep((d) => (container(d).resources.limits = { memory: '128Mi' })) },
  { rule: 'policy/probes', name: 'no probes', bad: dep((d) => (delete container(d).readinessProbe, delete container(d).livenessProbe)), good: dep((d) => delete container(d).readinessProbe) },
  { rule: 'policy/probes', name: 'Jobs are exempt', bad: extra([asDeployment(job())]), good: extra([job()]) },
  { rule: 'policy/network-policy-enforced', name: 'NetworkPolicy with flannel alone', bad: obj('NetworkPolicy', () => {}, { inventory: inventoryWithout(policyEnforcer) }),
    good: extra([{ ...policyEnforcer, metadata: { name: 'calico-node', namespace: 'kube-system' }, spec: { ...policyEnforcer.spec as Json, template: { metadata: { labels: { app: 'flannel' } }, spec: { containers: [{ name: 'calico-node', image: 'docker.io/calico/node:v3.30.0' }] } } } }], { inventory: inventoryWithout(policyEnforcer) }) },
  { rule: 'policy/network-policy-enforced', name: 'an enforcer image in an init container or a Job does not count', bad: extra([{ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'np', namespace: 'web' }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'np', image: (policyEnforcer.spec as Json).template.spec.containers[0].image }] } } } }], { inventory: inventoryWithout(policyEnforcer) }),
    good: extra([policyEnforcer], { inventory: inventoryWithout(policyEnforcer) }) },
  { rule: 'policy/privileged', name: 'privileged container', bad: dep((d) => (container(d).securityContext = { privileged: true })), good: dep((d) => (container(d).securityContext = { privileged: false })) },
  { rule: 'policy/host-path', name: 'hostPath volume', bad: dep((d) => (d.spec.template.spec.volumes.push({ name: 'host', hostPath: { path: '/var/run' } }))), good: dep((d) => d.spec.template.spec.volumes.push({ name: 'host', emptyDir: {} })) },
  { rule: 'policy/run-as-non-root', name: 'no runAsNonRoot', bad: dep((d) => (d.spec.template.spec.securityContext = {})), good: dep((d) => (d.spec.template.spec.securityContext = {}, container(d).securityContext = { runAsNonRoot: true, readOnlyRootFilesystem: true })) },
  { rule: 'policy/read-only-root', name: 'writable root filesystem', bad: dep((d) => (container(d).securityContext = {})), good: dep((d) => (container(d).securityContext = { readOnlyRootFilesystem: true })) },
  { rule: 'policy/read-only-root', name: 'opted out only with a reason', bad: dep((d) => (container(d).securityContext.readOnlyRootFilesystem = false)),
    good: dep((d) => { container(d).securityContext.readOnlyRootFilesystem = false; d.metadata.annotations = { 'validation.gitops/opt-out': 'policy/read-only-root=the image writes its cache under /var' }; }) },
  { rule: 'policy/run-as-non-root', name: 'UID 0', bad: dep((d) => (container(d).securityContext = { runAsUser: 0, readOnlyRootFilesystem: true })), good: dep((d) => (container(d).securityContext = { runAsUser: 1, readOnlyRootFilesystem: true })) },
  { rule: 'policy/plaintext-secret', name: 'Secret with data', bad: extra([{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'web' }, stringData: { token: 'fake-test-value' } }]),
    good: extra([{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'web' }, type: 'kubernetes.io/service-account-token' }]) },
  { rule: 'policy/opt-out', name: 'opt-out without a reason', bad: dep((d) => (d.metadata.annotations = { 'validation.gitops/opt-out': 'policy/probes' })),
    good: dep((d) => (d.metadata.annotations = { 'validation.gitops/opt-out': 'policy/probes=serves no HTTP; exits when idle' })) },
  { rule: 'policy/opt-out', name: 'opting out of a schema rule', bad: dep((d) => (d.metadata.annotations = { 'validation.gitops/opt-out': 'schema/name=I like underscores' })),
    good: dep((d) => (d.metadata.annotations = { 'validation.gitops/opt-out': 'policy/image-tag=pinned by the mirror' })) },
];

function cleanInventory() {
  return [...inventory] as never[];
}


function cronJob(name: string): Json {
  return {
    apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name, namespace: 'web' },
    spec: { schedule: '0 3 * * *', jobTemplate: { spec: { template: { spec: { restartPolicy: 'OnFailure', securityContext: { runAsNonRoot: true },
      containers: [{ name: 'job', image: 'registry.example.org/job:1.0.0', resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '32Mi' } } }] } } } } },
  };
}

function withChange(o: Json, change: (o: Json) => void): Json {
  change(o);
  return o;
}

function asStatefulSet(j: Json, restartPolicy: string | undefined): Json {
  j.kind = 'StatefulSet';
  j.apiVersion = 'apps/v1';
  j.spec.selector = { matchLabels: { j: 'x' } };
  j.spec.serviceName = 'migrate';
  j.metadata.annotations = { 'validation.gitops/opt-out': 'policy/probes=test fixture' };
  if (restartPolicy === undefined) delete j.spec.template.spec.restartPolicy;
  else j.spec.template.spec.restartPolicy = restartPolicy;
  return j;
}

/** The web pod's "http" port moved to an init container: served only when it is a sidecar (restartPolicy Always). */
function sidecarPort(restartPolicy: string | undefined): Json[] {
  return mutate((d) => {
    const c = container(d);
    const sidecar: Json = { name: 'proxy', image: 'registry.example.org/proxy:1.0.0', ports: c.ports };
    if (restartPolicy) sidecar.restartPolicy = restartPolicy;
    d.spec.template.spec.initContainers = [sidecar];
    c.ports = [{ name: 'app', containerPort: 8081 }];
    c.readinessProbe.httpGet.port = 'app';
  }, 'Deployment');
}

function asDeployment(j: Json): Json {
  j.kind = 'Deployment';
  j.apiVersion = 'apps/v1';
  j.spec.selector = { matchLabels: { j: 'x' } };
  j.spec.template.spec.restartPolicy = 'Always';
  return j;
}

/** A PrometheusRule with one alert, `rule` overriding its fields (undefined removes one). */
function promRule(rule: Json): Json {
  const r: Json = { alert: 'TargetDown', expr: 'up == 0', for: '5m', labels: { severity: 'warning' }, annotations: { summary: 'A target is down' }, ...rule };
  for (const k of Object.keys(r)) if (r[k] === undefined) delete r[k];
  return {
    apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', metadata: { name: 'alerts', namespace: 'web' },
    spec: { groups: [{ name: 'g', rules: [r] }] },
  };
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
