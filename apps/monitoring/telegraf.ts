// Telegraf on every node, reading the host's /proc, /sys and mounts through a read-only
// hostPath: that is what "node metrics" means and why this agent has its own namespace,
// apart from the restricted one that holds the database and the UI.
import { DaemonSet } from '../../platform/kinds.ts';
import type { Resource } from '../../render/types.ts';
import {
  allowDns, appNamespace, configMap, configChecksum, containerSecurity, defaultDeny, httpProbes, optOut, resources, rolePolicy,
  secretEnv, selectorLabels, workloadLabels, type SecretRef,
} from '../kit/index.ts';

export const AGENT_NAMESPACE = 'telegraf';

export interface TelegrafInput {
  app: string;
  image: string;
  interval: string;
  influx: { url: string; database: string; user: string; password: { secret: SecretRef; key: string }; namespace: string; role: string; port: number };
}

const HEALTH_PORT = 8080;

export function telegraf(input: TelegrafInput): Resource[] {
  const probes = httpProbes('/', 'health');
  const id = { app: input.app, role: 'telegraf' };
  const config = configMap('telegraf', {
    'telegraf.conf': [
      '[agent]',
      `  interval = "${input.interval}"`,
      '  round_interval = true',
      '  flush_interval = "10s"',
      '  hostname = "${NODE_NAME}"',
      '',
      '[[outputs.influxdb]]',
      `  urls = ["${input.influx.url}"]`,
      `  database = "${input.influx.database}"`,
      '  skip_database_creation = true',
      `  username = "${input.influx.user}"`,
      '  password = "${INFLUX_PASSWORD}"',
      '',
      '# Answers 200 while the agent runs: the probes below.',
      '[[outputs.health]]',
      `  service_address = "http://:${HEALTH_PORT}"`,
      '',
      '[[inputs.cpu]]',
      '  percpu = false',
      '  totalcpu = true',
      '[[inputs.mem]]',
      '[[inputs.swap]]',
      '[[inputs.system]]',
      '[[inputs.kernel]]',
      '[[inputs.processes]]',
      '[[inputs.diskio]]',
      '[[inputs.disk]]',
      '  ignore_fs = ["tmpfs", "devtmpfs", "overlay", "squashfs", "nsfs", "proc", "sysfs", "cgroup2", "nfs", "nfs4"]',
      '',
    ].join('\n'),
  });
  const labels = workloadLabels(id);
  const daemonSet = new DaemonSet({
    metadata: {
      name: 'telegraf',
      labels,
      annotations: optOut({
        'policy/host-path': 'read-only mount of the node root (/proc, /sys, filesystems) is how node metrics are read',
      }),
    },
    spec: {
      selector: { matchLabels: selectorLabels(id) },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
      template: {
        metadata: { labels, annotations: configChecksum([config]) },
        spec: {
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          // Node metrics are wanted from the control plane too.
          tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }],
          securityContext: { runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [
            {
              name: 'telegraf',
              image: input.image,
              imagePullPolicy: 'IfNotPresent',
              env: [
                { name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
                { name: 'HOST_PROC', value: '/hostfs/proc' },
                { name: 'HOST_SYS', value: '/hostfs/sys' },
                { name: 'HOST_ETC', value: '/hostfs/etc' },
                { name: 'HOST_MOUNT_PREFIX', value: '/hostfs' },
                secretEnv('INFLUX_PASSWORD', input.influx.password.secret, input.influx.password.key),
              ],
              resources: resources({ requests: { cpu: '20m', memory: '48Mi' }, limits: { cpu: '200m', memory: '128Mi' } }),
              ports: [{ name: 'health', containerPort: HEALTH_PORT, protocol: 'TCP' }],
              readinessProbe: probes.readiness,
              livenessProbe: probes.liveness,
              securityContext: containerSecurity({ readOnlyRoot: true }),
              volumeMounts: [
                { name: 'config', mountPath: '/etc/telegraf', readOnly: true },
                { name: 'hostfs', mountPath: '/hostfs', readOnly: true, mountPropagation: 'HostToContainer' },
              ],
            },
          ],
          volumes: [
            { name: 'config', configMap: { name: 'telegraf' } },
            { name: 'hostfs', hostPath: { path: '/', type: 'Directory' } },
          ],
        },
      },
    },
  });
  const influx = input.influx;
  return [
    appNamespace({
      name: AGENT_NAMESPACE,
      app: input.app,
      enforce: 'privileged',
      reason: 'Telegraf reads node metrics through a read-only hostPath of the node root, which baseline forbids',
    }),
    config,
    daemonSet,
    defaultDeny(),
    allowDns(),
    rolePolicy({
      app: input.app,
      role: 'telegraf',
      ingress: [],
      egress: [{ peers: [{ namespace: influx.namespace, podLabels: selectorLabels({ app: input.app, role: influx.role }) }], ports: [influx.port] }],
    }),
  ];
}
