// The TypeScript twin of ../../components/synthetic.js (render/bench/synthetic-app.ts): per app a
// ConfigMap, a Deployment (probes, resources, envFrom), a Service, an Ingress (TLS) and an HPA
// (autoscaling/v2), typed through kubernetes-models' classes and the environment types in
// ../typings/@kosko__env, written the way kosko's TypeScript docs set a component up.
import env, { type ComponentEnvironment } from "@kosko/env";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Service } from "kubernetes-models/v1/Service";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { Ingress } from "kubernetes-models/networking.k8s.io/v1/Ingress";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler";

const params = env.component("synthetic");
const { namespace, ingress } = params;

type SyntheticApp = ComponentEnvironment["synthetic"]["apps"][number];
type Manifest = ConfigMap | Deployment | Service | Ingress | HorizontalPodAutoscaler;

function objectsOf(app: SyntheticApp): Manifest[] {
  const labels = { "app.kubernetes.io/name": app.name };
  return [
    new ConfigMap({ metadata: { name: `${app.name}-config`, namespace, labels }, data: { LOG_LEVEL: app.logLevel, APP_NAME: app.name } }),
    new Deployment({
      metadata: { name: app.name, namespace, labels },
      spec: {
        selector: { matchLabels: labels },
        strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
        template: {
          metadata: { labels },
          spec: {
            securityContext: { runAsNonRoot: true, runAsUser: 10001 },
            containers: [
              {
                name: "app",
                image: `registry.example.com/${app.name}:${app.tag}`,
                ports: [{ name: "http", containerPort: 8080 }],
                envFrom: [{ configMapRef: { name: `${app.name}-config` } }],
                resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } },
                readinessProbe: { httpGet: { path: "/ready", port: "http" }, periodSeconds: 5 },
                livenessProbe: { httpGet: { path: "/health", port: "http" }, periodSeconds: 10 },
              },
            ],
          },
        },
      },
    }),
    new Service({ metadata: { name: app.name, namespace, labels }, spec: { selector: labels, ports: [{ name: "http", port: 80, targetPort: "http" }] } }),
    new Ingress({
      metadata: {
        name: app.name,
        namespace,
        labels,
        annotations: {
          "traefik.ingress.kubernetes.io/router.entrypoints": ingress.entryPoints.websecure,
          "traefik.ingress.kubernetes.io/router.tls.certresolver": ingress.certResolver,
        },
      },
      spec: {
        ingressClassName: ingress.className,
        tls: [{ hosts: [app.host] }],
        rules: [{ host: app.host, http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: app.name, port: { name: "http" } } } }] } }],
      },
    }),
    new HorizontalPodAutoscaler({
      metadata: { name: app.name, namespace, labels },
      spec: {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: app.name },
        minReplicas: app.replicas,
        maxReplicas: app.replicas * 3,
        metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } }],
      },
    }),
  ];
}

const manifests: Manifest[] = params.apps.flatMap(objectsOf);
export default manifests;
