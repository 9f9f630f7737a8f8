import type { IResourceRequirements } from 'kubernetes-models/v1/ResourceRequirements';

/** CPU and memory for one container; both requests and limits are always set. */
export interface Size {
  requests: { cpu: string; memory: string };
  limits: { cpu: string; memory: string };
}

export function resources(size: Size): IResourceRequirements {
  return {
    requests: { cpu: size.requests.cpu, memory: size.requests.memory },
    limits: { cpu: size.limits.cpu, memory: size.limits.memory },
  };
}
