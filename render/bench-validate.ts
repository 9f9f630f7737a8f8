// Validator benchmark: 1000 apps × 3 environments × {ConfigMap, Deployment, Service, Ingress,
// HPA} = 15,000 synthetic objects, validated as one bundle. The first call includes loading
// the schemas it needs (what `render` pays); the second shows the steady state.
// Then one ConfigMap of 100,000 keys read from YAML text as `npm run validate` reads a file:
// the cost must grow linearly with an object's size (issue 13: it was quadratic, 13 minutes).
// `node render/bench-validate.ts [--apps N] [--configmap-keys K] [--format text|json]`
import { parseArgs } from 'node:util';
import { validateBundle, type BundleItem } from './validate/index.ts';
import { parseYamlSource } from './validate/yaml-source.ts';
import type { KubeObject } from './types.ts';

const ENVS = ['dev', 'staging', 'prod'] as const;

function appObjects(env: string, i: number): KubeObject[] {
  const name = `app-${i}`;
  const namespace = `${env}-apps`;
  const labels = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': `${name}-${env}` };
  const meta = { name, namespace, labels };
  return [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { ...meta, name: `${name}-config` }, data: { LOG_LEVEL: 'info', GREETING: `hello ${i}` } },
    {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { ...meta, annotations: { 'argocd.argoproj.io/sync-wave': '1' } },
      spec: {
        replicas: 2,
        selector: { matchLabels: labels },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
        template: {
          metadata: { labels },
          spec: {
            securityContext: { runAsNonRoot: true, runAsUser: 10001, fsGroup: 10001 },
            containers: [{
              name: 'app',
              image: `registry.example.org/team/${name}:1.${i % 10}.0`,
              ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
              envFrom: [{ configMapRef: { name: `${name}-config` } }],
              env: [{ name: 'ENVIRONMENT', value: env }],
              resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '128Mi' } },
              readinessProbe: { httpGet: { path: '/ready', port: 'http' }, periodSeconds: 10 },
              livenessProbe: { httpGet: { path: '/live', port: 'http' }, initialDelaySeconds: 5 },
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
            }],
          },
        },
      },
    },
    { apiVersion: 'v1', kind: 'Service', metadata: meta, spec: { selector: labels, ports: [{ name: 'http', port: 80, targetPort: 'http' }] } },
    {
      apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: meta,
      spec: {
        ingressClassName: 'traefik',
        rules: [{ host: `${name}.${env}.example.org`, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name, port: { name: 'http' } } } }] } }],
      },
    },
    {
      apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: meta,
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
        minReplicas: 2, maxReplicas: 5,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 75 } } }],
      },
    },
  ] as KubeObject[];
}

export function syntheticBundle(apps: number): BundleItem[] {
  const items: BundleItem[] = [];
  for (const env of ENVS) for (let i = 0; i < apps; i++) for (const object of appObjects(env, i)) items.push({ object, env });
  return items;
}

const INVENTORY: KubeObject[] = [
  { apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'traefik' } },
  { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'nfs-client', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } },
  // The HPAs read CPU from metrics-server.
  { apiVersion: 'apiregistration.k8s.io/v1', kind: 'APIService', metadata: { name: 'v1beta1.metrics.k8s.io' }, spec: { group: 'metrics.k8s.io', version: 'v1beta1', service: { name: 'metrics-server', namespace: 'kube-system' }, groupPriorityMinimum: 100, versionPriority: 100 } },
] as KubeObject[];

/** A ConfigMap of `keys` entries as YAML text, the shape of a big generated config file. */
export function bigConfigMapYaml(keys: number): string {
  const lines = ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: big', '  namespace: web', 'data:'];
  for (let i = 0; i < keys; i++) lines.push(`  key-${i}: "value number ${i}"`);
  return `${lines.join('\n')}\n`;
}

/** Wall and CPU time of reading and validating one big ConfigMap from YAML text. */
function bigConfigMap(keys: number) {
  const text = bigConfigMapYaml(keys);
  const cpu = (): number => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  const [wall0, cpu0] = [performance.now(), cpu()];
  const parsed = parseYamlSource(text, 'big.yaml');
  const parseMs = performance.now() - wall0;
  const findings = [...parsed.findings, ...validateBundle(parsed.items, { kubeVersion: '1.33' })];
  return {
    keys,
    yamlBytes: Buffer.byteLength(text),
    ms: Math.round(performance.now() - wall0),
    cpuMs: Math.round(cpu() - cpu0),
    parseMs: Math.round(parseMs),
    findings: findings.length,
  };
}

function main(): void {
  const { values } = parseArgs({
    options: { apps: { type: 'string', default: '1000' }, 'configmap-keys': { type: 'string', default: '100000' }, format: { type: 'string', default: 'text' } },
  });
  const apps = Number(values.apps);
  if (!Number.isInteger(apps) || apps < 1) throw new Error('--apps must be a positive integer');
  const items = syntheticBundle(apps);
  const options = { kubeVersion: '1.33', inventory: INVENTORY };
  let t = performance.now();
  const findings = validateBundle(items, options);
  const coldMs = performance.now() - t;
  t = performance.now();
  validateBundle(items, options);
  const warmMs = performance.now() - t;
  const result = {
    benchmark: 'validate',
    objects: items.length,
    ms: Math.round(coldMs),
    objectsPerSecond: Math.round(items.length / (coldMs / 1000)),
    warmMs: Math.round(warmMs),
    warmObjectsPerSecond: Math.round(items.length / (warmMs / 1000)),
    findings: findings.length,
    bigConfigMap: bigConfigMap(Number(values['configmap-keys'])),
  };
  const big = result.bigConfigMap;
  if (values.format === 'json') {
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } else {
    process.stdout.write(
      `validate: ${result.objects} objects in ${result.ms} ms (${result.objectsPerSecond} objects/s, first call incl. schema loading); ` +
        `warm ${result.warmMs} ms (${result.warmObjectsPerSecond} objects/s); ${result.findings} findings\n` +
        `validate one ConfigMap of ${big.keys} keys (${(big.yamlBytes / 1048576).toFixed(1)} MiB of YAML): ${big.ms} ms ` +
        `(${big.cpuMs} ms CPU; reading the YAML ${big.parseMs} ms); ${big.findings} findings (target: under 2 s)\n`,
    );
  }
  if (findings.length) {
    for (const f of findings.slice(0, 5)) process.stderr.write(`  unexpected: ${f.rule} ${f.kind}/${f.name} ${f.path}: ${f.message}\n`);
  }
}

if (import.meta.main) main();
