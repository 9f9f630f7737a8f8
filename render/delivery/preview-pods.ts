// Pods of a preview stay off the node: no privileged containers, no host namespaces, ports or
// paths, only the volume types Pod Security `restricted` admits (less inline CSI). The Namespace enforces that
// profile at admission too; checking here names the offending field before anything is published.
import type { KubeObject } from '../types.ts';
import type { Reject } from './preview-confinement.ts';

/** Where each kind keeps its pod spec. */
const POD_SPEC: Record<string, string> = {
  Pod: 'spec',
  Deployment: 'spec.template.spec',
  StatefulSet: 'spec.template.spec',
  DaemonSet: 'spec.template.spec',
  ReplicaSet: 'spec.template.spec',
  Job: 'spec.template.spec',
  CronJob: 'spec.jobTemplate.spec.template.spec',
};

/**
 * Volume sources a preview pod may use: Pod Security `restricted`'s list without inline `csi`,
 * whose driver attributes (an NFS server and share, say) come straight from the pod.
 */
const PREVIEW_VOLUMES = new Set(['configMap', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);
const HOST_NAMESPACES = ['hostNetwork', 'hostPID', 'hostIPC'] as const;

type Rec = Record<string, unknown>;
const rec = (x: unknown): Rec | undefined => (typeof x === 'object' && x !== null && !Array.isArray(x) ? (x as Rec) : undefined);
const list = (x: unknown): Rec[] => (Array.isArray(x) ? x.map(rec).filter((r): r is Rec => r !== undefined) : []);

function at(o: unknown, path: string): unknown {
  let cur = o;
  for (const seg of path.split('.')) cur = rec(cur)?.[seg];
  return cur;
}

export function checkPods(o: KubeObject, reject: Reject): void {
  const path = POD_SPEC[o.kind];
  if (!path) return;
  const spec = rec(at(o, path));
  if (!spec) return;
  for (const k of HOST_NAMESPACES) {
    if (spec[k] === true) reject(o, `${path}.${k}`, `${k} shares the node's ${k.slice(4).toLowerCase()} namespace with the pod`);
  }
  list(spec.volumes).forEach((v, i) => {
    const name = typeof v.name === 'string' ? v.name : String(i);
    for (const source of Object.keys(v)) {
      if (source === 'name') continue;
      if (source === 'hostPath') reject(o, `${path}.volumes[${name}].hostPath`, `mounts ${String(rec(v.hostPath)?.path ?? 'a path')} from the node`);
      if (!PREVIEW_VOLUMES.has(source)) reject(o, `${path}.volumes[${name}].${source}`, `${source} volumes are not allowed in a preview (only ${[...PREVIEW_VOLUMES].join(', ')})`);
    }
  });
  for (const which of ['initContainers', 'containers', 'ephemeralContainers']) {
    for (const c of list(spec[which])) {
      const where = `${path}.${which}[${String(c.name)}]`;
      const sc = rec(c.securityContext);
      if (sc?.privileged === true) reject(o, `${where}.securityContext.privileged`, 'a privileged container controls the node');
      const added = list([rec(sc?.capabilities)]).flatMap((cap) => (Array.isArray(cap.add) ? cap.add : []));
      for (const cap of added) if (cap !== 'NET_BIND_SERVICE') reject(o, `${where}.securityContext.capabilities.add`, `capability ${String(cap)} is not allowed (only NET_BIND_SERVICE)`);
      list(c.ports).forEach((p, i) => {
        if (p.hostPort !== undefined && p.hostPort !== 0) reject(o, `${where}.ports[${i}].hostPort`, `hostPort ${String(p.hostPort)} binds a port on the node`);
      });
    }
  }
}
