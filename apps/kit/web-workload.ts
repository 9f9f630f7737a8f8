import { Deployment, HorizontalPodAutoscaler, IngressRoute, PodDisruptionBudget, Service, type ConfigMap } from '../../platform/kinds.ts';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IEnvVar } from 'kubernetes-models/v1/EnvVar';
import type { IngressFacts } from '../../platform/facts.ts';
import { RenderError, type Resource } from '../../render/types.ts';
import { configChecksum } from './config.ts';
import { selectorLabels, workloadLabels, type WorkloadId } from './labels.ts';
import { mountedConfigMaps, volumeMounts, volumes, type Mount } from './pod.ts';
import type { Probes } from './probes.ts';
import { resources, type Size } from './resources.ts';
import { optOut } from './labels.ts';
import { containerSecurity, podSecurity, withTmp, type RunAs } from './security.ts';

/** HPA on CPU utilisation of the requests: min is the workload's `replicas`. */
export interface Autoscale {
  maxReplicas: number;
  cpuPercent: number;
}

/** A host (and optional path prefix) routed to the workload over HTTPS. */
export interface RouteMatch {
  host: string;
  pathPrefix?: string;
}

export interface WebWorkloadSpec extends WorkloadId {
  image: string;
  /** Port the process listens on; the Service exposes `servicePort` (default 80) → this. */
  containerPort: number;
  servicePort?: number;
  /** Name of the container and Service port (default `http`). */
  portName?: string;
  replicas: number;
  size: Size;
  probes: Probes;
  runAs: RunAs;
  /** Apache-style images binding :80 as non-root. */
  lowPorts?: boolean;
  /**
   * Why the image needs a writable root filesystem (it writes outside its volumes); the root is
   * read-only otherwise, with `/tmp` as an emptyDir. Becomes the `policy/read-only-root` opt-out.
   */
  writableRoot?: string;
  command?: string[];
  args?: string[];
  env?: IEnvVar[];
  /** ConfigMaps read as environment variables (`envFrom`); they count for the config checksum. */
  envFrom?: ConfigMap[];
  mounts?: Mount[];
  /**
   * `rolling` (default): surge one pod, never go below the wanted count. `recreate`: stop the
   * old pod first, for single-writer state (an embedded database on a shared volume).
   */
  strategy?: 'rolling' | 'recreate';
  minReadySeconds?: number;
  autoscale?: Autoscale;
  /** Served through Traefik on the websecure entry point with an ACME certificate. */
  routes?: RouteMatch[];
  ingress: IngressFacts;
}

export interface WebWorkload {
  deployment: Deployment;
  service: Service;
  route?: IngressRoute;
  pdb?: PodDisruptionBudget;
  hpa?: HorizontalPodAutoscaler;
  /** All of the above, in a stable order. */
  resources: Resource[];
}

const HOST = /^(?=.{1,253}$)([a-z0-9]([-a-z0-9]*[a-z0-9])?)(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/;

export function webWorkload(spec: WebWorkloadSpec): WebWorkload {
  const where = (field: string) => ({ component: spec.app, resource: `Deployment/${spec.app}/${spec.role}`, field });
  if (!Number.isInteger(spec.replicas) || spec.replicas < 1) throw new RenderError(where('spec.replicas'), `replicas must be a positive integer, got ${spec.replicas}`);
  const strategy = spec.strategy ?? 'rolling';
  if (strategy === 'recreate' && (spec.replicas !== 1 || spec.autoscale)) {
    throw new RenderError(where('spec.strategy'), 'a Recreate workload holds single-writer state: exactly 1 replica, no autoscaling');
  }
  if (spec.autoscale) {
    const a = spec.autoscale;
    if (!Number.isInteger(a.maxReplicas) || a.maxReplicas < spec.replicas) {
      throw new RenderError({ ...where('spec.maxReplicas'), resource: `HorizontalPodAutoscaler/${spec.app}/${spec.role}` }, `maxReplicas (${a.maxReplicas}) must be ≥ replicas (${spec.replicas})`);
    }
    if (!(a.cpuPercent > 0 && a.cpuPercent <= 100)) {
      throw new RenderError({ ...where('spec.metrics[0]'), resource: `HorizontalPodAutoscaler/${spec.app}/${spec.role}` }, `cpuPercent must be in (0, 100], got ${a.cpuPercent}`);
    }
  }
  const selector = selectorLabels(spec);
  const labels = workloadLabels(spec);
  const mounts: Mount[] = withTmp(spec.mounts ?? [], !spec.writableRoot);
  const consumed = [...(spec.envFrom ?? []), ...mountedConfigMaps(mounts)];
  const container: IContainer = {
    name: spec.role,
    image: spec.image,
    imagePullPolicy: 'IfNotPresent',
    ...(spec.command ? { command: spec.command } : {}),
    ...(spec.args ? { args: spec.args } : {}),
    ports: [{ name: spec.portName ?? 'http', containerPort: spec.containerPort, protocol: 'TCP' }],
    ...(spec.env?.length ? { env: spec.env } : {}),
    ...(spec.envFrom?.length ? { envFrom: spec.envFrom.map((c) => ({ configMapRef: { name: c.metadata?.name ?? '' } })) } : {}),
    resources: resources(spec.size),
    readinessProbe: spec.probes.readiness,
    livenessProbe: spec.probes.liveness,
    ...(spec.probes.startup ? { startupProbe: spec.probes.startup } : {}),
    securityContext: containerSecurity({ readOnlyRoot: !spec.writableRoot }),
    ...(mounts.length ? { volumeMounts: volumeMounts(mounts) } : {}),
  };
  const checksum = configChecksum(consumed);
  const deployment = new Deployment({
    metadata: { name: spec.role, labels, ...(spec.writableRoot ? { annotations: optOut({ 'policy/read-only-root': spec.writableRoot }) } : {}) },
    spec: {
      // With an HPA the replica count belongs to the HPA: a value here would make Argo CD reset it on every sync.
      ...(spec.autoscale ? {} : { replicas: spec.replicas }),
      revisionHistoryLimit: 5,
      minReadySeconds: spec.minReadySeconds ?? 10,
      selector: { matchLabels: selector },
      strategy: strategy === 'rolling' ? { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } } : { type: 'Recreate' },
      template: {
        metadata: { labels, ...(Object.keys(checksum).length ? { annotations: checksum } : {}) },
        spec: {
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: podSecurity(spec.runAs, { lowPorts: spec.lowPorts }),
          containers: [container],
          ...(mounts.length ? { volumes: volumes(mounts) } : {}),
        },
      },
    },
  });
  const service = new Service({
    metadata: { name: spec.role, labels },
    spec: {
      type: 'ClusterIP',
      selector,
      ports: [{ name: spec.portName ?? 'http', port: spec.servicePort ?? 80, targetPort: spec.portName ?? 'http', protocol: 'TCP' }],
    },
  });
  const out: WebWorkload = { deployment, service, resources: [deployment, service] };
  if (spec.routes?.length) {
    out.route = ingressRoute(spec, service);
    out.resources.push(out.route);
  }
  const minPods = spec.replicas;
  if (minPods > 1) {
    out.pdb = new PodDisruptionBudget({
      metadata: { name: spec.role, labels },
      spec: { maxUnavailable: 1, selector: { matchLabels: selector } },
    });
    out.resources.push(out.pdb);
  }
  if (spec.autoscale) {
    out.hpa = new HorizontalPodAutoscaler({
      metadata: { name: spec.role, labels },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: spec.role },
        minReplicas: spec.replicas,
        maxReplicas: spec.autoscale.maxReplicas,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: spec.autoscale.cpuPercent } } }],
      },
    });
    out.resources.push(out.hpa);
  }
  return out;
}

function ingressRoute(spec: WebWorkloadSpec, service: Service): IngressRoute {
  const routes = (spec.routes ?? []).map((r, i) => {
    if (!HOST.test(r.host)) {
      throw new RenderError({ component: spec.app, resource: `IngressRoute/${spec.app}/${spec.role}`, field: `spec.routes[${i}].match` }, `"${r.host}" is not a DNS host name`);
    }
    if (r.pathPrefix !== undefined && !/^\/[A-Za-z0-9._~\/-]*$/.test(r.pathPrefix)) {
      throw new RenderError({ component: spec.app, resource: `IngressRoute/${spec.app}/${spec.role}`, field: `spec.routes[${i}].match` }, `"${r.pathPrefix}" is not a path prefix`);
    }
    const match = r.pathPrefix && r.pathPrefix !== '/' ? `Host(\`${r.host}\`) && PathPrefix(\`${r.pathPrefix}\`)` : `Host(\`${r.host}\`)`;
    return { kind: 'Rule' as const, match, services: [{ kind: 'Service' as const, name: service.metadata?.name ?? spec.role, port: spec.servicePort ?? 80 }] };
  });
  return new IngressRoute({
    metadata: { name: spec.role, labels: workloadLabels(spec) },
    spec: {
      // HTTP → HTTPS is redirected once, globally, on Traefik's web entry point.
      entryPoints: [spec.ingress.entryPoints.websecure],
      routes,
      tls: { certResolver: spec.ingress.certResolver },
    },
  });
}
