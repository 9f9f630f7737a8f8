// A Service's targetPorts against the containers of the pods its selector selects: a named
// targetPort no selected container declares never gets endpoints (the endpoints controller
// resolves names per pod, protocol included); a number nobody declares is legal but usually a
// forgotten or mistyped containerPort.
import type { PodLabels } from './bundle-index.ts';
import { asArray, asObject, index, type JsonObject } from './json.ts';

export type Report = (rule: string, path: string, message: string) => void;

interface DeclaredPort {
  name?: string;
  number?: number;
  protocol: string;
}

/** Ports of the containers that serve traffic: regular containers and sidecars (restartable init containers). */
function declaredPorts(spec: JsonObject): DeclaredPort[] {
  const out: DeclaredPort[] = [];
  const add = (c: unknown): void => {
    for (const p of asArray(asObject(c)?.ports)) {
      const port = asObject(p);
      if (!port) continue;
      out.push({
        name: typeof port.name === 'string' ? port.name : undefined,
        number: typeof port.containerPort === 'number' ? port.containerPort : undefined,
        protocol: typeof port.protocol === 'string' ? port.protocol : 'TCP',
      });
    }
  };
  for (const c of asArray(spec.containers)) add(c);
  for (const c of asArray(spec.initContainers)) if (asObject(c)?.restartPolicy === 'Always') add(c);
  return out;
}

function describePods(pods: readonly PodLabels[], ports: (p: PodLabels) => DeclaredPort[]): string {
  const shown = pods.slice(0, 3).map((p) => {
    const list = ports(p).map((d) => (d.name ? `${d.name}/${String(d.number)}` : String(d.number)));
    return `${p.entry.kind} ${p.entry.name} (${list.length ? list.join(', ') : 'no ports declared'})`;
  });
  return shown.join('; ') + (pods.length > 3 ? `; and ${pods.length - 3} more` : '');
}

export function checkTargetPorts(report: Report, spec: JsonObject, selected: readonly PodLabels[]): void {
  if (selected.length === 0) return;
  const cache = new Map<PodLabels, DeclaredPort[]>();
  const portsOf = (p: PodLabels): DeclaredPort[] => {
    let d = cache.get(p);
    if (!d) cache.set(p, (d = declaredPorts(p.spec)));
    return d;
  };
  asArray(spec.ports).forEach((sp, i) => {
    const port = asObject(sp);
    if (!port) return;
    const target = port.targetPort ?? port.port;
    const protocol = typeof port.protocol === 'string' ? port.protocol : 'TCP';
    const path = `${index('spec.ports', i)}.${port.targetPort !== undefined ? 'targetPort' : 'port'}`;
    if (typeof target === 'string') {
      // A quoted number is an int-or-string error reported elsewhere.
      if (/^\d+$/.test(target)) return;
      if (selected.some((p) => portsOf(p).some((d) => d.name === target && d.protocol === protocol))) return;
      const otherProtocol = selected.some((p) => portsOf(p).some((d) => d.name === target));
      report('ref/target-port', path, otherProtocol
        ? `named targetPort "${target}" is declared only with another protocol than ${protocol} in the selected pods: the Service gets no endpoints (${describePods(selected, portsOf)})`
        : `no selected pod declares a port named "${target}": the Service gets no endpoints (${describePods(selected, portsOf)})`);
    } else if (typeof target === 'number') {
      if (selected.some((p) => portsOf(p).some((d) => d.number === target))) return;
      report('ref/target-port-number', path,
        `targetPort ${target} is not a containerPort of any selected pod (${describePods(selected, portsOf)}): declare it, or fix the number`);
    }
  });
}
