// What the API server enforces beyond OpenAPI: required names and images, name formats and
// lengths per kind, label keys and values, int-or-string contents, ports, quantities,
// requests ≤ limits, and workload selectors matching their own templates.
import type { BundleItem } from './index.ts';
import type { Context } from './context.ts';
import { asArray, asObject, asString, field, index, isObject, type JsonObject } from './json.ts';
import {
  configKey, dns1035Label, dns1123Label, dns1123Subdomain, ianaServiceName, labelValue,
  pathSegmentName, portNumber, qualifiedName, type Reason,
} from './formats.ts';
import { parseQuantity, resourceNameProblem } from './quantity.ts';
import { selects, isEmptySelector } from './selector.ts';
import { containersOf, podTemplateOf } from './workloads.ts';
import { checkRestartPolicy } from './restart-policy.ts';
import { cronScheduleProblem, timeZoneProblem } from './cron.ts';
import { checkIngressHosts, checkIngressRouteHosts } from './hosts.ts';

const RBAC_KINDS = new Set(['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding']);
const SELECTOR_WORKLOADS = new Set(['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet']);
const MAX_ANNOTATIONS_BYTES = 256 * 1024;

function nameRule(kind: string): (v: string) => Reason {
  if (kind === 'Service') return dns1035Label;
  if (kind === 'Namespace') return dns1123Label;
  if (RBAC_KINDS.has(kind)) return pathSegmentName;
  // The CronJob controller appends an 11-character suffix to name its Jobs.
  if (kind === 'CronJob') return (v) => dns1123Subdomain(v, 52);
  return (v) => dns1123Subdomain(v);
}

export function checkServerSide(ctx: Context, item: BundleItem, o: JsonObject, kind: string): void {
  checkMetadata(ctx, item, o, kind);
  const tpl = podTemplateOf(o);
  const spec = asObject(o.spec);
  if (tpl) {
    checkLabels(ctx, item, asObject(readPath(o, tpl.labelsPath)), tpl.labelsPath);
    checkPodSpec(ctx, item, tpl.spec, tpl.specPath);
    checkRestartPolicy(ctx, item, kind, tpl);
    if (tpl.workloadSpec) checkWorkloadSelector(ctx, item, kind, tpl.workloadSpec, tpl.labels);
  }
  if (!spec) return;
  switch (kind) {
    case 'Deployment': {
      const ru = asObject(asObject(spec.strategy)?.rollingUpdate);
      if (ru) for (const k of ['maxSurge', 'maxUnavailable']) percentOrInt(ctx, item, ru[k], `spec.strategy.rollingUpdate.${k}`);
      break;
    }
    case 'DaemonSet':
    case 'StatefulSet': {
      const ru = asObject(asObject(spec.updateStrategy)?.rollingUpdate);
      if (ru) for (const k of ['maxSurge', 'maxUnavailable']) percentOrInt(ctx, item, ru[k], `spec.updateStrategy.rollingUpdate.${k}`);
      asArray(spec.volumeClaimTemplates).forEach((t, i) => {
        const p = index('spec.volumeClaimTemplates', i);
        const claim = asObject(t);
        if (claim) checkResources(ctx, item, asObject(asObject(claim.spec)?.resources), `${p}.spec.resources`);
      });
      break;
    }
    case 'PodDisruptionBudget':
      percentOrInt(ctx, item, spec.minAvailable, 'spec.minAvailable');
      percentOrInt(ctx, item, spec.maxUnavailable, 'spec.maxUnavailable');
      checkSelectorLabels(ctx, item, spec.selector, 'spec.selector');
      break;
    case 'PersistentVolumeClaim':
      checkResources(ctx, item, asObject(spec.resources), 'spec.resources');
      break;
    case 'Service':
      checkServicePorts(ctx, item, spec);
      checkLabels(ctx, item, asObject(spec.selector), 'spec.selector');
      break;
    case 'NetworkPolicy':
      checkNetworkPolicy(ctx, item, spec);
      break;
    case 'CronJob':
      checkCronJob(ctx, item, spec);
      break;
    case 'Ingress':
      checkIngressHosts(ctx, item, spec);
      break;
    case 'IngressRoute':
      checkIngressRouteHosts(ctx, item, spec);
      break;
  }
}

function checkCronJob(ctx: Context, item: BundleItem, spec: JsonObject): void {
  if (typeof spec.schedule === 'string') {
    const r = cronScheduleProblem(spec.schedule);
    if (r) ctx.report(item, 'schema/cron-schedule', 'spec.schedule', `schedule "${spec.schedule}" ${r}`);
  }
  if (typeof spec.timeZone === 'string') {
    const r = timeZoneProblem(spec.timeZone);
    if (r) ctx.report(item, 'schema/time-zone', 'spec.timeZone', r);
  }
}

function readPath(o: JsonObject, dotted: string): unknown {
  let cur: unknown = o;
  for (const seg of dotted.split('.')) cur = isObject(cur) ? cur[seg] : undefined;
  return cur;
}

function checkMetadata(ctx: Context, item: BundleItem, o: JsonObject, kind: string): void {
  const meta = asObject(o.metadata);
  const name = meta ? meta.name : undefined;
  if (name === undefined || name === '') {
    if (!meta || typeof meta.generateName !== 'string') ctx.report(item, 'schema/required', 'metadata.name', 'is required');
  } else if (typeof name === 'string') {
    const r = nameRule(kind)(name);
    if (r) ctx.report(item, 'schema/name', 'metadata.name', `${kind} name "${name}" ${r}`);
  }
  if (!meta) return;
  if (typeof meta.namespace === 'string') {
    const r = dns1123Label(meta.namespace);
    if (r) ctx.report(item, 'schema/name', 'metadata.namespace', `namespace "${meta.namespace}" ${r}`);
  }
  checkLabels(ctx, item, asObject(meta.labels), 'metadata.labels');
  const annotations = asObject(meta.annotations);
  if (annotations) {
    let size = 0;
    for (const [k, v] of Object.entries(annotations)) {
      size += k.length + (typeof v === 'string' ? v.length : 0);
      const r = qualifiedName(k);
      if (r) ctx.report(item, 'schema/annotation', field('metadata.annotations', k), `annotation key "${k}": ${r}`);
    }
    if (size > MAX_ANNOTATIONS_BYTES) {
      ctx.report(item, 'schema/annotation', 'metadata.annotations', `annotations total ${size} bytes, more than the 256 KiB the API server accepts`);
    }
  }
  if (kind === 'ConfigMap' || kind === 'Secret') {
    for (const section of ['data', 'binaryData', 'stringData']) {
      const data = asObject(o[section]);
      if (!data) continue;
      for (const k of Object.keys(data)) {
        const r = configKey(k);
        if (r) ctx.report(item, 'schema/name', field(section, k), `key "${k}" ${r}`);
      }
    }
  }
}

function checkLabels(ctx: Context, item: BundleItem, labels: JsonObject | undefined, path: string): void {
  if (!labels) return;
  for (const [k, v] of Object.entries(labels)) {
    const rk = qualifiedName(k);
    if (rk) ctx.report(item, 'schema/label', field(path, k), `label key "${k}": ${rk}`);
    if (typeof v === 'string') {
      const rv = labelValue(v);
      if (rv) ctx.report(item, 'schema/label', field(path, k), `label value "${v}" ${rv}`);
    }
  }
}

function checkSelectorLabels(ctx: Context, item: BundleItem, selector: unknown, path: string): void {
  const sel = asObject(selector);
  if (!sel) return;
  checkLabels(ctx, item, asObject(sel.matchLabels), field(path, 'matchLabels'));
  asArray(sel.matchExpressions).forEach((e, i) => {
    const expr = asObject(e);
    if (!expr) return;
    const p = index(field(path, 'matchExpressions'), i);
    if (typeof expr.key === 'string') {
      const r = qualifiedName(expr.key);
      if (r) ctx.report(item, 'schema/label', `${p}.key`, `label key "${expr.key}": ${r}`);
    }
    asArray(expr.values).forEach((v, j) => {
      if (typeof v !== 'string') return;
      const r = labelValue(v);
      if (r) ctx.report(item, 'schema/label', index(`${p}.values`, j), `label value "${v}" ${r}`);
    });
  });
}

function checkWorkloadSelector(ctx: Context, item: BundleItem, kind: string, spec: JsonObject, labels: Record<string, string>): void {
  if (kind === 'ReplicationController') return;
  if (kind === 'Job' && spec.manualSelector !== true) return;
  if (!SELECTOR_WORKLOADS.has(kind) && kind !== 'Job') return;
  const selector = spec.selector;
  if (!isObject(selector)) return; // the schema reports a missing selector
  checkSelectorLabels(ctx, item, selector, 'spec.selector');
  if (isEmptySelector(selector)) {
    ctx.report(item, 'schema/selector-mismatch', 'spec.selector', `an empty selector is invalid for a ${kind}: select the template's labels`);
  } else if (!selects(selector, labels)) {
    ctx.report(item, 'schema/selector-mismatch', 'spec.selector',
      `selector does not match the pod template labels ${JSON.stringify(labels)}: the ${kind} would own no pods (the API server rejects it)`);
  }
}

function checkPodSpec(ctx: Context, item: BundleItem, spec: JsonObject, specPath: string): void {
  const names = new Set<string>();
  for (const { container: c, path } of containersOf(spec, specPath)) {
    const name = asString(c.name);
    if (name !== undefined) {
      const r = dns1123Label(name);
      if (r) ctx.report(item, 'schema/name', `${path}.name`, `container name "${name}" ${r}`);
      if (names.has(name)) ctx.report(item, 'schema/name', `${path}.name`, `container name "${name}" is used twice in this pod`);
      names.add(name);
    }
    if (c.image === undefined || c.image === '') ctx.report(item, 'schema/required', `${path}.image`, 'is required (the API server rejects a container without an image)');
    const portNames = new Set<string>();
    asArray(c.ports).forEach((p, i) => {
      const port = asObject(p);
      if (!port) return;
      const pp = index(`${path}.ports`, i);
      numberPort(ctx, item, port.containerPort, `${pp}.containerPort`);
      if (typeof port.hostPort === 'number' && port.hostPort !== 0) numberPort(ctx, item, port.hostPort, `${pp}.hostPort`);
      if (typeof port.name === 'string') {
        const r = ianaServiceName(port.name);
        if (r) ctx.report(item, 'schema/port', `${pp}.name`, `port name "${port.name}" ${r}`);
        if (portNames.has(port.name)) ctx.report(item, 'schema/port', `${pp}.name`, `port name "${port.name}" is used twice in this container`);
        portNames.add(port.name);
      }
    });
    for (const probe of ['readinessProbe', 'livenessProbe', 'startupProbe']) {
      const pr = asObject(c[probe]);
      if (!pr) continue;
      for (const handler of ['httpGet', 'tcpSocket']) {
        const h = asObject(pr[handler]);
        if (h) handlerPort(ctx, item, h.port, `${path}.${probe}.${handler}.port`, portNames);
      }
    }
    const lifecycle = asObject(c.lifecycle);
    for (const hook of ['postStart', 'preStop']) {
      const hk = asObject(lifecycle?.[hook]);
      for (const handler of ['httpGet', 'tcpSocket']) {
        const h = asObject(hk?.[handler]);
        if (h) handlerPort(ctx, item, h.port, `${path}.lifecycle.${hook}.${handler}.port`, portNames);
      }
    }
    checkResources(ctx, item, asObject(c.resources), `${path}.resources`);
  }
  const volumes = new Set<string>();
  asArray(spec.volumes).forEach((v, i) => {
    const vol = asObject(v);
    if (!vol) return;
    const p = index(`${specPath}.volumes`, i);
    if (typeof vol.name === 'string') {
      const r = dns1123Label(vol.name);
      if (r) ctx.report(item, 'schema/name', `${p}.name`, `volume name "${vol.name}" ${r}`);
      if (volumes.has(vol.name)) ctx.report(item, 'schema/name', `${p}.name`, `volume name "${vol.name}" is used twice in this pod`);
      volumes.add(vol.name);
    }
    const emptyDir = asObject(vol.emptyDir);
    if (emptyDir && emptyDir.sizeLimit !== undefined && emptyDir.sizeLimit !== null) {
      const q = parseQuantity(emptyDir.sizeLimit);
      if ('error' in q) ctx.report(item, 'schema/quantity', `${p}.emptyDir.sizeLimit`, q.error);
    }
  });
}

function checkResources(ctx: Context, item: BundleItem, resources: JsonObject | undefined, path: string): void {
  if (!resources) return;
  const values: Record<string, Record<string, number>> = { requests: {}, limits: {} };
  for (const section of ['requests', 'limits'] as const) {
    const map = asObject(resources[section]);
    if (!map) continue;
    for (const [name, raw] of Object.entries(map)) {
      const p = field(`${path}.${section}`, name);
      const rn = resourceNameProblem(name);
      if (rn) ctx.report(item, 'schema/quantity', p, rn);
      if (raw === null || raw === undefined) continue;
      const q = parseQuantity(raw);
      if ('error' in q) ctx.report(item, 'schema/quantity', p, q.error);
      else values[section][name] = q.value;
    }
  }
  for (const [name, request] of Object.entries(values.requests)) {
    const limit = values.limits[name];
    if (limit !== undefined && request > limit) {
      const raw = (k: 'requests' | 'limits') => JSON.stringify(asObject(resources[k])?.[name]);
      ctx.report(item, 'schema/requests-exceed-limits', field(`${path}.requests`, name),
        `request ${raw('requests')} is more than the limit ${raw('limits')} for ${name}`);
    }
  }
}

function numberPort(ctx: Context, item: BundleItem, v: unknown, path: string): void {
  if (typeof v !== 'number') return;
  const r = portNumber(v);
  if (r) ctx.report(item, 'schema/port', path, `port ${r}`);
}

/** Probe / lifecycle / targetPort values: a port number or a named port. */
function handlerPort(ctx: Context, item: BundleItem, v: unknown, path: string, declared?: ReadonlySet<string>): void {
  if (typeof v === 'number') {
    numberPort(ctx, item, v, path);
  } else if (typeof v === 'string') {
    if (/^\d+$/.test(v)) {
      ctx.report(item, 'schema/int-or-string', path, `"${v}" is a string: write the port number unquoted, or use a port name`);
      return;
    }
    const r = ianaServiceName(v);
    if (r) ctx.report(item, 'schema/int-or-string', path, `"${v}" is neither a port number nor a valid port name: ${r}`);
    else if (declared && !declared.has(v)) ctx.report(item, 'schema/port', path, `named port "${v}" is not declared in this container's ports`);
  }
}

function percentOrInt(ctx: Context, item: BundleItem, v: unknown, path: string): void {
  if (typeof v === 'string' && !/^[0-9]+%$/.test(v)) {
    ctx.report(item, 'schema/int-or-string', path, `"${v}" must be an integer or a percentage such as "25%"`);
  } else if (typeof v === 'number' && v < 0) {
    ctx.report(item, 'schema/int-or-string', path, `must not be negative (is ${v})`);
  }
}

function checkServicePorts(ctx: Context, item: BundleItem, spec: JsonObject): void {
  const ports = asArray(spec.ports);
  const names = new Set<string>();
  ports.forEach((p, i) => {
    const port = asObject(p);
    if (!port) return;
    const pp = index('spec.ports', i);
    numberPort(ctx, item, port.port, `${pp}.port`);
    if (typeof port.nodePort === 'number' && port.nodePort !== 0) numberPort(ctx, item, port.nodePort, `${pp}.nodePort`);
    handlerPort(ctx, item, port.targetPort, `${pp}.targetPort`);
    if (typeof port.name === 'string') {
      const r = dns1123Label(port.name);
      if (r) ctx.report(item, 'schema/port', `${pp}.name`, `Service port name "${port.name}" ${r}`);
      if (names.has(port.name)) ctx.report(item, 'schema/port', `${pp}.name`, `Service port name "${port.name}" is used twice`);
      names.add(port.name);
    } else if (ports.length > 1) {
      ctx.report(item, 'schema/port', `${pp}.name`, 'is required when a Service has more than one port');
    }
  });
}

function checkNetworkPolicy(ctx: Context, item: BundleItem, spec: JsonObject): void {
  checkSelectorLabels(ctx, item, spec.podSelector, 'spec.podSelector');
  for (const dir of ['ingress', 'egress'] as const) {
    asArray(spec[dir]).forEach((r, i) => {
      const rule = asObject(r);
      if (!rule) return;
      const rp = index(`spec.${dir}`, i);
      asArray(rule.ports).forEach((p, j) => {
        const port = asObject(p);
        if (port) handlerPort(ctx, item, port.port, `${index(`${rp}.ports`, j)}.port`);
      });
      asArray(rule[dir === 'ingress' ? 'from' : 'to']).forEach((peer, j) => {
        const pe = asObject(peer);
        if (!pe) return;
        const pp = index(`${rp}.${dir === 'ingress' ? 'from' : 'to'}`, j);
        checkSelectorLabels(ctx, item, pe.podSelector, `${pp}.podSelector`);
        checkSelectorLabels(ctx, item, pe.namespaceSelector, `${pp}.namespaceSelector`);
      });
    });
  }
}
