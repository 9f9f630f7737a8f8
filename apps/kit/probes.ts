import type { IProbe } from 'kubernetes-models/v1/Probe';

/** Probe timings: readiness reacts fast, liveness only restarts a process that stays broken. */
export interface Probes {
  readiness: IProbe;
  liveness: IProbe;
  startup?: IProbe;
}

const READY = { periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 };
const LIVE = { periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 3 };

/** HTTP GET probes on a named container port. `startupSeconds` covers slow first starts. */
export function httpProbes(path: string, port: string, startupSeconds = 0): Probes {
  const action = { httpGet: { path, port } };
  return withStartup({ readiness: { ...action, ...READY }, liveness: { ...action, ...LIVE } }, action, startupSeconds);
}

/** Exec probes (e.g. `pg_isready`): the command must exit 0 when healthy. */
export function execProbes(command: string[], startupSeconds = 0): Probes {
  const action = { exec: { command } };
  return withStartup({ readiness: { ...action, ...READY }, liveness: { ...action, ...LIVE } }, action, startupSeconds);
}

/** TCP probes for servers without a health endpoint. */
export function tcpProbes(port: string, startupSeconds = 0): Probes {
  const action = { tcpSocket: { port } };
  return withStartup({ readiness: { ...action, ...READY }, liveness: { ...action, ...LIVE } }, action, startupSeconds);
}

function withStartup(p: Probes, action: IProbe, startupSeconds: number): Probes {
  if (startupSeconds <= 0) return p;
  const periodSeconds = 5;
  return { ...p, startup: { ...action, periodSeconds, timeoutSeconds: 3, failureThreshold: Math.ceil(startupSeconds / periodSeconds) } };
}
