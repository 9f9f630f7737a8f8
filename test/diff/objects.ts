// Small builders for the plain objects the fixtures commit (test-only inputs).
import type { KubeObject } from '../../render/types.ts';

export function deployment(name: string, ns: string, o: { replicas?: number; image?: string; labels?: Record<string, string>; annotations?: Record<string, string>; readiness?: boolean; env?: { name: string; value: string }[]; configMap?: string; maxUnavailable?: number | string; maxSurge?: number | string; strategy?: string; minReadySeconds?: number } = {}): KubeObject {
  const labels = o.labels ?? { app: name };
  const rollingUpdate = { maxUnavailable: o.maxUnavailable, ...(o.maxSurge !== undefined ? { maxSurge: o.maxSurge } : {}) };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns },
    spec: {
      replicas: o.replicas ?? 1,
      ...(o.minReadySeconds !== undefined ? { minReadySeconds: o.minReadySeconds } : {}),
      selector: { matchLabels: labels },
      ...(o.maxUnavailable !== undefined || o.strategy ? { strategy: o.strategy ? { type: o.strategy } : { type: 'RollingUpdate', rollingUpdate } } : {}),
      template: {
        metadata: { labels, ...(o.annotations ? { annotations: o.annotations } : {}) },
        spec: {
          containers: [{
            name,
            image: o.image ?? `registry.example/${name}:1.0.0`,
            ...(o.env ? { env: o.env } : {}),
            ...(o.readiness === false ? {} : { readinessProbe: { httpGet: { path: '/ready', port: 8080 } } }),
          }],
          ...(o.configMap ? { volumes: [{ name: 'config', configMap: { name: o.configMap } }] } : {}),
        },
      },
    },
  };
}

export function statefulSet(name: string, ns: string, o: { replicas?: number; image?: string; size?: string; serviceName?: string; labels?: Record<string, string>; podManagementPolicy?: string } = {}): KubeObject {
  const labels = o.labels ?? { app: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name, namespace: ns, annotations: { 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false' } },
    spec: {
      replicas: o.replicas ?? 1,
      serviceName: o.serviceName ?? name,
      ...(o.podManagementPolicy ? { podManagementPolicy: o.podManagementPolicy } : {}),
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: { containers: [{ name, image: o.image ?? 'docker.io/library/postgres:16.3', readinessProbe: { exec: { command: ['pg_isready'] } } }] },
      },
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: o.size ?? '10Gi' } } } }],
    },
  };
}

export function pvc(name: string, ns: string, o: { size?: string; storageClassName?: string; protect?: boolean } = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name, namespace: ns, ...(o.protect === false ? {} : { annotations: { 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false' } }) },
    spec: { accessModes: ['ReadWriteMany'], storageClassName: o.storageClassName ?? 'nfs-client', resources: { requests: { storage: o.size ?? '10Gi' } } },
  };
}

export function service(name: string, ns: string, selector: Record<string, string>, clusterIP?: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: ns },
    spec: { ...(clusterIP ? { clusterIP } : {}), selector, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
  };
}

export function configMap(name: string, ns: string, data: Record<string, string>): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns }, data };
}

export function secret(name: string, ns: string, data: Record<string, string>): KubeObject {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: ns }, type: 'Opaque', data };
}

export function namespace(name: string): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
}

export function job(name: string, ns: string, image: string, hook = false): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: ns, ...(hook ? { annotations: { 'argocd.argoproj.io/hook': 'PreSync', 'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation' } } : {}) },
    spec: { backoffLimit: 1, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'migrate', image }] } } },
  };
}

export function storageClass(name: string, reclaimPolicy: string): KubeObject {
  return { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name }, provisioner: 'cluster.local/nfs', reclaimPolicy, parameters: { archiveOnDelete: 'true' } };
}

export function crd(plural: string, group: string): KubeObject {
  return { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: `${plural}.${group}` }, spec: { group, names: { plural, kind: 'Thing' }, scope: 'Namespaced', versions: [] } };
}

export function application(name: string): KubeObject {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name, namespace: 'argocd' },
    spec: { project: 'default', source: { repoURL: 'https://example.invalid/repo.git', path: `rendered/prod/${name}`, targetRevision: 'main' }, destination: { server: 'https://kubernetes.default.svc' } },
  };
}

export function daemonSet(name: string, ns: string, o: { labels?: Record<string, string>; image?: string; maxUnavailable?: number | string; maxSurge?: number | string } = {}): KubeObject {
  const labels = o.labels ?? { app: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name, namespace: ns },
    spec: {
      selector: { matchLabels: labels },
      ...(o.maxUnavailable !== undefined ? { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: o.maxUnavailable, ...(o.maxSurge !== undefined ? { maxSurge: o.maxSurge } : {}) } } } : {}),
      template: { metadata: { labels }, spec: { containers: [{ name, image: o.image ?? `registry.example/${name}:1.0.0` }] } },
    },
  };
}

export function persistentVolume(name: string, reclaimPolicy: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name },
    spec: { capacity: { storage: '10Gi' }, accessModes: ['ReadWriteMany'], persistentVolumeReclaimPolicy: reclaimPolicy, nfs: { server: 'nfs.example', path: `/export/${name}` } },
  };
}

export function pdb(name: string, ns: string, selector: Record<string, string>, budget: { minAvailable?: number | string; maxUnavailable?: number | string }): KubeObject {
  return { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name, namespace: ns }, spec: { ...budget, selector: { matchLabels: selector } } };
}
