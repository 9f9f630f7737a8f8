// The benchmark's application shape (the one the peers were measured on): per app a ConfigMap,
// a Deployment with probes, resources and envFrom, a Service, an Ingress with TLS and an HPA —
// exactly five objects, all apps in one namespace and one Argo CD Application, as the peers
// rendered them. Copied into the synthetic repository by render/bench.ts; not in the real catalog.
import { ConfigMap, Deployment, HorizontalPodAutoscaler, Ingress, Namespace, Service } from '../../platform/kinds.ts';
import type { Component, Resource } from '../types.ts';
import type { AppContext } from '../../apps/kit/context.ts';

export interface SyntheticApp {
  name: string;
  replicas: number;
  tag: string;
  host: string;
  logLevel: string;
}

const NAMESPACE = 'synthetic';

export function synthetic(values: { apps: SyntheticApp[] }, ctx: AppContext): Component[] {
  return [
    {
      name: NAMESPACE,
      namespace: NAMESPACE,
      layer: 'app',
      syncWave: 0,
      resources: [new Namespace({ metadata: { name: NAMESPACE } }), ...values.apps.flatMap((app) => objectsOf(app, ctx))],
    },
  ];
}

function objectsOf(app: SyntheticApp, ctx: AppContext): Resource[] {
  const labels = { 'app.kubernetes.io/name': app.name };
  return [
    new ConfigMap({ metadata: { name: `${app.name}-config`, labels }, data: { LOG_LEVEL: app.logLevel, APP_NAME: app.name } }),
    new Deployment({
      metadata: { name: app.name, labels },
      spec: {
        selector: { matchLabels: labels },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
        template: {
          metadata: { labels },
          spec: {
            securityContext: { runAsNonRoot: true, runAsUser: 10001 },
            containers: [
              {
                name: 'app',
                image: `registry.example.com/${app.name}:${app.tag}`,
                ports: [{ name: 'http', containerPort: 8080 }],
                envFrom: [{ configMapRef: { name: `${app.name}-config` } }],
                resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
                readinessProbe: { httpGet: { path: '/ready', port: 'http' }, periodSeconds: 5 },
                livenessProbe: { httpGet: { path: '/health', port: 'http' }, periodSeconds: 10 },
              },
            ],
          },
        },
      },
    }),
    new Service({ metadata: { name: app.name, labels }, spec: { selector: labels, ports: [{ name: 'http', port: 80, targetPort: 'http' }] } }),
    new Ingress({
      metadata: {
        name: app.name,
        labels,
        // Traefik obtains the certificate itself: no TLS Secret to reference.
        annotations: {
          'traefik.ingress.kubernetes.io/router.entrypoints': ctx.platform.ingress.entryPoints.websecure,
          'traefik.ingress.kubernetes.io/router.tls.certresolver': ctx.platform.ingress.certResolver,
        },
      },
      spec: {
        ingressClassName: ctx.platform.ingress.className,
        tls: [{ hosts: [app.host] }],
        rules: [{ host: app.host, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: app.name, port: { name: 'http' } } } }] } }],
      },
    }),
    new HorizontalPodAutoscaler({
      metadata: { name: app.name, labels },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: app.name },
        minReplicas: app.replicas,
        maxReplicas: app.replicas * 3,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
      },
    }),
  ];
}
