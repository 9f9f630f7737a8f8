// The rule catalogue: every finding's rule ID, default severity and one-line summary.
// the README's rule reference table documents each of them (a test keeps the two in step); SARIF
// output lists them as the tool's rules.
import type { Severity } from './index.ts';

export type Layer = 'yaml' | 'schema' | 'api' | 'ref' | 'policy';

export interface Rule {
  id: string;
  layer: Layer;
  /** Policy rules follow `strictPolicy` instead (warning, or error when strict). */
  severity: Severity;
  summary: string;
}

const rule = (id: string, severity: Severity, summary: string): Rule => ({
  id,
  layer: id.slice(0, id.indexOf('/')) as Layer,
  severity,
  summary,
});

export const RULES: readonly Rule[] = [
  rule('yaml/syntax', 'error', 'The file is not valid YAML.'),
  rule('yaml/duplicate-key', 'error', 'A mapping repeats a key (kubectl and Argo CD reject it).'),
  rule('yaml/yaml11-boolean', 'warning', 'An unquoted y/yes/no/on/off… is read as a boolean by kubectl and Argo CD (YAML 1.1).'),
  rule('yaml/yaml11-octal', 'warning', 'An unquoted 0644-style number is octal (420) to kubectl and Argo CD (YAML 1.1) but decimal to YAML 1.2 readers.'),
  rule('yaml/not-an-object', 'error', 'A document is not a Kubernetes object (no apiVersion/kind mapping).'),

  rule('schema/unknown-kind', 'error', 'No schema for this apiVersion/kind, and no CRD for it in the inventory.'),
  rule('schema/invalid', 'error', 'The object breaks its OpenAPI / CRD schema (type, enum, required, format).'),
  rule('schema/unknown-field', 'error', 'A field the schema does not define (the API server rejects it in strict mode).'),
  rule('schema/required', 'error', 'A field the API server requires beyond OpenAPI (metadata.name, container image).'),
  rule('schema/name', 'error', 'A name breaks the DNS-1123 / RFC-1035 / path-segment rules or length for its kind.'),
  rule('schema/label', 'error', 'A label key or value (or selector label) is not a valid qualified name / label value.'),
  rule('schema/annotation', 'error', 'An annotation key is not a qualified name, or annotations exceed 256 KiB.'),
  rule('schema/int-or-string', 'error', 'An int-or-string field holds a string that is neither a percentage nor a valid port name, as the field needs.'),
  rule('schema/port', 'error', 'A port number is out of range or a port name is not an IANA service name.'),
  rule('schema/quantity', 'error', 'A resource quantity is malformed or negative, or the resource name is unknown.'),
  rule('schema/requests-exceed-limits', 'error', 'A container requests more of a resource than its limit.'),
  rule('schema/selector-mismatch', 'error', 'A workload selector does not match its own pod template labels.'),
  rule('schema/restart-policy', 'error', 'A pod template restartPolicy its workload kind does not allow (Jobs: Never/OnFailure, set; controllers: Always).'),
  rule('schema/cron-schedule', 'error', 'A CronJob schedule the API server cannot parse (5 cron fields or a descriptor, no TZ=).'),
  rule('schema/time-zone', 'error', 'A CronJob timeZone that is not an IANA time zone name.'),
  rule('schema/too-large', 'error', 'An object larger than the cluster stores: ConfigMap/Secret data over 1 MiB, or over 1.5 MiB of JSON.'),
  rule('schema/promql', 'error', 'A PrometheusRule expression that the PromQL grammar does not parse, or a rule without one.'),
  rule('schema/alert-metadata', 'error', 'An alerting rule without a `severity` label (critical, warning, info) or a `summary` annotation.'),
  rule('schema/host', 'error', 'An Ingress host / TLS host or IngressRoute Host() matcher that is not a lower-case DNS name.'),

  rule('api/removed', 'error', 'The apiVersion/kind is removed in the target Kubernetes version.'),
  rule('api/deprecated', 'warning', 'The apiVersion/kind is deprecated in the target Kubernetes version.'),

  rule('ref/duplicate', 'error', 'Two objects share group, kind, namespace and name.'),
  rule('ref/service-selector', 'error', 'A Service selector matches no pod template in its namespace.'),
  rule('ref/target-port', 'error', 'A Service targetPort names a port no container of its selected pods declares.'),
  rule('ref/target-port-number', 'warning', 'A Service targetPort number is not a containerPort of any selected pod.'),
  rule('ref/ingress-backend', 'error', 'An Ingress / IngressRoute backend names a missing Service, or a port the Service lacks.'),
  rule('ref/ingress-class', 'error', 'An Ingress names an IngressClass that does not exist.'),
  rule('ref/middleware', 'error', 'An IngressRoute names a Traefik Middleware that does not exist.'),
  rule('ref/storage-class', 'error', 'A PVC / volumeClaimTemplate names an unknown StorageClass, or relies on a default that does not exist.'),
  rule('ref/configmap', 'error', 'A non-optional ConfigMap reference (env, envFrom, volume, key) does not resolve.'),
  rule('ref/secret', 'error', 'A non-optional Secret reference (env, envFrom, volume, key, TLS, pull secret) does not resolve.'),
  rule('ref/service-account', 'error', 'A pod runs as a ServiceAccount that does not exist.'),
  rule('ref/scale-target', 'error', 'An HPA scaleTargetRef names a workload that does not exist.'),
  rule('ref/metrics-api', 'error', 'An HPA scales on metrics whose API (metrics.k8s.io for CPU/memory) no APIService serves.'),
  rule('ref/pdb-selector', 'error', 'A PodDisruptionBudget selects no pod template in its namespace.'),
  rule('ref/networkpolicy-selector', 'warning', 'A NetworkPolicy podSelector selects no pod template in its namespace.'),
  rule('ref/outside-bundle', 'note', 'References to objects outside the given files were not checked (validate a subset without --closed).'),
  rule('ref/argocd-path', 'error', 'An Argo CD Application points at a repository path that does not exist.'),

  rule('policy/image-tag', 'warning', 'An image is untagged or `:latest` (pin a tag or a digest).'),
  rule('policy/resources', 'warning', 'A container lacks a CPU request, a memory request or a memory limit.'),
  rule('policy/probes', 'warning', 'A long-running container has neither a readiness nor a liveness probe.'),
  rule('policy/privileged', 'warning', 'A container runs privileged.'),
  rule('policy/host-path', 'warning', 'A pod mounts a hostPath volume.'),
  rule('policy/run-as-non-root', 'warning', 'A container may run as root (no runAsNonRoot: true / non-zero runAsUser).'),
  rule('policy/read-only-root', 'warning', 'A container does not set readOnlyRootFilesystem: true (mount writable paths as volumes, or opt out with the reason).'),
  rule('policy/plaintext-secret', 'warning', 'A Secret carries plaintext data/stringData (commit a SealedSecret instead).'),
  rule('policy/network-policy-enforced', 'warning', 'A NetworkPolicy in a cluster where nothing enforces NetworkPolicies (it is inert).'),
  rule('policy/opt-out', 'error', 'The opt-out annotation is malformed, names a non-policy rule, or gives no reason.'),
];

export const RULES_BY_ID: ReadonlyMap<string, Rule> = new Map(RULES.map((r) => [r.id, r]));

/** Rules a `validation.gitops/opt-out` annotation may disable. */
export const POLICY_RULE_IDS: ReadonlySet<string> = new Set(
  RULES.filter((r) => r.layer === 'policy' && r.id !== 'policy/opt-out').map((r) => r.id),
);

export const OPT_OUT_ANNOTATION = 'validation.gitops/opt-out';
