// nfs-subdir-external-provisioner, as its chart 4.0.18 renders it (written against image v4.0.2,
// the newest there is; the environment pins the image tag, `platform.nfs-provisioner`). It carves one directory per PersistentVolume out of a single NFS export and
// backs the `nfs-client` StorageClass every ReadWriteMany claim of the platform uses.
import { ClusterRole, ClusterRoleBinding, Deployment, Namespace, Role, RoleBinding, ServiceAccount, StorageClass, type NetworkPolicy } from './kinds.ts';
import type { ClusterFacts, NfsFacts, PlatformVersions } from '../environments/types.ts';
import { type Component, RenderError } from '../render/types.ts';
import type { StorageClassRef } from './facts.ts';
import { pinnedRelease, type ReleaseLine } from './releases.ts';
import { namespaceBaseline, toApiServer, workloadPolicy } from './network-policies.ts';

export interface NfsProvisioner {
  component: Component;
  storageClass: StorageClassRef;
}

/** The releases this model was written for: v4.0.2 (Endpoints leader lock, no probes) and its patches. */
export const nfsProvisionerRelease = {
  pin: 'nfs-provisioner',
  component: 'nfs-provisioner',
  supported: '>=4.0.2 <4.1.0',
  prefix: 'v',
} as const satisfies ReleaseLine;

export type NfsProvisionerVersions = Pick<PlatformVersions, 'nfs-provisioner'>;

export function nfsProvisionerImage(version: string): string {
  return `registry.k8s.io/sig-storage/nfs-subdir-external-provisioner:${version}`;
}
export const nfsProvisionerNamespace = 'nfs-provisioner';
/**
 * The provisioner only serves claims whose StorageClass names it, so PROVISIONER_NAME and
 * StorageClass.provisioner are this one constant. Both are immutable on a live cluster: a
 * rename means replacing the StorageClass and redeploying.
 */
export const NFS_PROVISIONER_NAME = 'k8s-sigs.io/nfs-subdir-external-provisioner';
export const nfsStorageClassName = 'nfs-client';

const name = 'nfs-client-provisioner';
/** Fixed inside the binary: it provisions below this path. */
const mountPath = '/persistentvolumes';
const labels = { app: name };

export function nfsProvisioner(nfs: NfsFacts, versions: NfsProvisionerVersions): NfsProvisioner {
  const image = nfsProvisionerImage(pinnedRelease(nfsProvisionerRelease, versions['nfs-provisioner']));
  checkFacts(nfs);
  const namespace = nfsProvisionerNamespace;
  const subject = { kind: 'ServiceAccount', name, namespace };

  const storageClass = new StorageClass({
    metadata: { name: nfsStorageClassName, annotations: { 'storageclass.kubernetes.io/is-default-class': 'false' } },
    provisioner: NFS_PROVISIONER_NAME,
    reclaimPolicy: nfs.reclaimPolicy,
    volumeBindingMode: 'Immediate',
    // The chart's default; the provisioner does not enforce sizes, so "expanding" only edits the claim.
    allowVolumeExpansion: true,
    // Read only on Delete: with Retain the provisioner never touches the directory.
    parameters: { archiveOnDelete: String(nfs.archiveOnDelete) },
  });

  const resources = [
    new Namespace({
      // The pod mounts an `nfs:` volume and runs as root: allowed by baseline, not by restricted.
      metadata: { name: namespace, labels: { 'pod-security.kubernetes.io/enforce': 'baseline' } },
    }),
    new ServiceAccount({ metadata: { name, labels } }),
    new ClusterRole({
      metadata: { name: `${name}-runner`, labels },
      rules: [
        { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: [''], resources: ['persistentvolumes'], verbs: ['get', 'list', 'watch', 'create', 'delete'] },
        { apiGroups: [''], resources: ['persistentvolumeclaims'], verbs: ['get', 'list', 'watch', 'update'] },
        { apiGroups: ['storage.k8s.io'], resources: ['storageclasses'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: [''], resources: ['events'], verbs: ['create', 'update', 'patch'] },
      ],
    }),
    new ClusterRoleBinding({
      metadata: { name: `run-${name}`, labels },
      subjects: [subject],
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `${name}-runner` },
    }),
    new Role({
      metadata: { name: `leader-locking-${name}`, labels },
      // v4.0.2 still takes its leader lock on an Endpoints object.
      rules: [{ apiGroups: [''], resources: ['endpoints'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch'] }],
    }),
    new RoleBinding({
      metadata: { name: `leader-locking-${name}`, labels },
      subjects: [subject],
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: `leader-locking-${name}` },
    }),
    new Deployment({
      metadata: {
        name,
        labels,
        annotations: {
          'validation.gitops/opt-out': [
            'policy/run-as-non-root=creates, chmods and renames per-volume directories on the export as whatever user the NFS server maps root to, as upstream runs it: a fixed non-root UID would have to own the export root',
            'policy/probes=v4.0.2 serves no health or metrics endpoint and its distroless image has no shell for an exec probe',
          ].join('; '),
        },
      },
      spec: {
        replicas: 1,
        // One provisioner at a time: the old pod releases its lock before the new one starts.
        strategy: { type: 'Recreate' },
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: name,
            securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
            containers: [
              {
                name,
                image,
                imagePullPolicy: 'IfNotPresent',
                env: [
                  { name: 'PROVISIONER_NAME', value: NFS_PROVISIONER_NAME },
                  { name: 'NFS_SERVER', value: nfs.server },
                  { name: 'NFS_PATH', value: nfs.path },
                ],
                volumeMounts: [
                  { name: 'nfs-client-root', mountPath },
                  // klog may write files to /tmp; the root filesystem is read-only.
                  { name: 'tmp', mountPath: '/tmp' },
                ],
                resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '128Mi' } },
                securityContext: {
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  // File access on the export is decided by the NFS server, not by local capabilities.
                  capabilities: { drop: ['ALL'] },
                },
              },
            ],
            volumes: [
              // Same server and path as the env: the env names the PVs' source, the volume is where the directories are made.
              { name: 'nfs-client-root', nfs: { server: nfs.server, path: nfs.path } },
              { name: 'tmp', emptyDir: {} },
            ],
          },
        },
      },
    }),
    storageClass,
  ];

  return {
    component: { name: 'nfs-provisioner', namespace, layer: 'platform', syncWave: -20, resources },
    storageClass: { name: storageClass.metadata!.name!, readWriteMany: true },
  };
}

function checkFacts(nfs: NfsFacts): void {
  if (!nfs.path.startsWith('/')) {
    throw new RenderError({ component: 'nfs-provisioner', field: 'nfs.path' }, `NFS export path must be absolute, got "${nfs.path}"`);
  }
}

/**
 * The provisioner only talks to the API server: the NFS export is mounted by the kubelet on the
 * host, so no pod traffic goes to the NFS server.
 */
export function nfsProvisionerNetworkPolicies(cluster: ClusterFacts): NetworkPolicy[] {
  return [...namespaceBaseline(), workloadPolicy(name, labels, { ingress: [], egress: toApiServer(cluster) })];
}
