// The pod template restartPolicy each workload kind allows: Jobs (and a CronJob's jobs) finish,
// so Never or OnFailure, set explicitly (the API server defaults an unset one to Always, then
// rejects it); controllers that keep pods running accept only Always.
import type { BundleItem } from './index.ts';
import type { Context } from './context.ts';
import { asObject, type JsonObject } from './json.ts';
import type { PodTemplate } from './workloads.ts';

const VALUES = new Set(['Always', 'OnFailure', 'Never']);
const ALWAYS_ONLY = new Set(['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'ReplicationController']);

export function checkRestartPolicy(ctx: Context, item: BundleItem, kind: string, tpl: PodTemplate): void {
  const policy = tpl.spec.restartPolicy;
  // Other values are enum errors the schema reports.
  if (policy !== undefined && !(typeof policy === 'string' && VALUES.has(policy))) return;
  const path = `${tpl.specPath}.restartPolicy`;
  if (kind === 'Job' || kind === 'CronJob') {
    if (policy === undefined) {
      ctx.report(item, 'schema/restart-policy', path, `is required for a ${kind}'s pods: set Never or OnFailure (unset defaults to Always, which the API server rejects for Jobs)`);
    } else if (policy === 'Always') {
      ctx.report(item, 'schema/restart-policy', path, `"Always" is not allowed for a ${kind}'s pods: use Never or OnFailure`);
    } else if (policy !== 'Never' && asObject(jobSpecOf(kind, tpl)?.podFailurePolicy)) {
      ctx.report(item, 'schema/restart-policy', path, `must be Never when the Job sets podFailurePolicy (is "${policy}")`);
    }
  } else if (ALWAYS_ONLY.has(kind) && policy !== undefined && policy !== 'Always') {
    ctx.report(item, 'schema/restart-policy', path, `"${policy}" is not allowed for a ${kind}: only Always (or unset) is, since its pods must keep running`);
  }
}

function jobSpecOf(kind: string, tpl: PodTemplate): JsonObject | undefined {
  return kind === 'Job' ? tpl.workloadSpec : tpl.jobSpec;
}
