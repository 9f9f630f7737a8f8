// Invariants every app object holds, in both real environments.
import { describe, expect, it } from 'vitest';
import { platform } from '../../platform/index.ts';
import { built, appObjects, podSpec, WORKLOADS } from './helpers.ts';
import { assertSchemaValid } from '../helpers/schema.ts';

const ENVS = ['dev', 'prod'] as const;

describe.each(ENVS)('apps in %s', (env) => {
  it('renders all six apps (monitoring and django-web as two components each)', () => {
    const names = built(env).components.filter((c) => c.layer === 'app').map((c) => c.name).sort();
    expect(names).toEqual(['django-web', 'django-web-db', 'ftps', 'hello', 'monitoring', 'sound-buzz', 'telegraf', 'wordpress']);
  });

  it('every object passes the kubernetes-models schema of its kind', () => {
    for (const c of built(env).components.filter((c) => c.layer === 'app')) {
      for (const r of c.resources) {
        expect(() => assertSchemaValid(r), `${c.name} ${r.kind}`).not.toThrow();
      }
    }
  });

  it('every app namespace is owned by exactly one of its components, with pod-security labels', () => {
    const namespaces = new Set(built(env).components.filter((c) => c.layer === 'app').map((c) => c.namespace));
    for (const name of namespaces) {
      const owners = appObjects(env).filter((o) => o.object.kind === 'Namespace' && o.object.metadata.name === name);
      expect(owners, name).toHaveLength(1);
      const ns = owners[0];
      const enforce = ns?.object.metadata.labels?.['pod-security.kubernetes.io/enforce'];
      expect(enforce).toMatch(/^(restricted|baseline|privileged)$/);
      if (enforce !== 'restricted') expect(ns?.object.metadata.annotations?.['pod-security.gitops/reason'], name).toBeTruthy();
      expect(ns?.object.metadata.labels?.['pod-security.kubernetes.io/warn']).toBe('restricted');
    }
  });

  it('has no Secret with data (nor any Secret at all): only SealedSecrets, with ciphertext', () => {
    const kinds = appObjects(env).map((o) => o.object.kind);
    expect(kinds).not.toContain('Secret');
    for (const { object } of appObjects(env)) {
      expect(JSON.stringify(object)).not.toMatch(/"(data|stringData)":\{"[^"]*password/i);
      if (object.kind !== 'SealedSecret') continue;
      for (const v of Object.values((object.spec as { encryptedData: Record<string, string> }).encryptedData)) expect(Buffer.from(v, 'base64').length).toBeGreaterThan(512);
    }
  });

  it('declares every referenced Secret as a runtime object the environment provides, without data', () => {
    const components = built(env).components.filter((c) => c.layer === 'app');
    const declared = new Set(components.flatMap((c) => c.runtimeObjects ?? []).map((o) => `${o.metadata.namespace}/${o.metadata.name}`));
    for (const c of components) {
      for (const o of c.runtimeObjects ?? []) {
        expect(o.kind).toBe('Secret');
        expect(Object.keys(o).sort()).toEqual(['apiVersion', 'kind', 'metadata']);
        expect(o.metadata.annotations?.['secrets.gitops/provided-by']).toBe('environment');
      }
      for (const { object } of appObjects(env).filter((o) => o.component === c.name && WORKLOADS.has(o.object.kind))) {
        const spec = podSpec(object);
        for (const ct of [...(spec.initContainers ?? []), ...spec.containers]) {
          for (const e of ct.env ?? []) {
            const ref = e.valueFrom?.secretKeyRef;
            if (ref) expect(declared.has(`${object.metadata.namespace}/${ref.name}`), `${object.metadata.name} → ${ref.name}`).toBe(true);
          }
        }
      }
    }
  });

  it('pins every image to a released version (no latest, no missing tag)', () => {
    for (const { object } of appObjects(env).filter((o) => WORKLOADS.has(o.object.kind))) {
      const spec = podSpec(object);
      for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
        // A tag, or a digest where upstream publishes only `latest` (ftps).
        expect(c.image, `${object.kind}/${object.metadata.name}`).toMatch(/^[a-z0-9./-]+(:[A-Za-z0-9._-]+|@sha256:[0-9a-f]{64})$/);
        expect(c.image).not.toMatch(/:latest$/);
      }
    }
  });

  it('gives every long-running container probes, and every container requests and limits', () => {
    for (const { object } of appObjects(env).filter((o) => WORKLOADS.has(o.object.kind))) {
      const spec = podSpec(object);
      for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
        const id = `${object.kind}/${object.metadata.name}/${c.name}`;
        expect(c.resources?.requests?.cpu, id).toBeDefined();
        expect(c.resources?.requests?.memory, id).toBeDefined();
        expect(c.resources?.limits?.cpu, id).toBeDefined();
        expect(c.resources?.limits?.memory, id).toBeDefined();
      }
      if (object.kind === 'CronJob' || object.kind === 'Job') continue;
      for (const c of spec.containers) {
        expect(c.readinessProbe, `${object.metadata.name}/${c.name}`).toBeDefined();
        expect(c.livenessProbe, `${object.metadata.name}/${c.name}`).toBeDefined();
      }
    }
  });

  it('runs every pod as non-root with RuntimeDefault seccomp and no privilege escalation', () => {
    for (const { object } of appObjects(env).filter((o) => WORKLOADS.has(o.object.kind))) {
      const spec = podSpec(object);
      // Root only with a written reason the validator reads (vsftpd chroots its users).
      const rootWaived = /policy\/run-as-non-root=\S/.test(object.metadata.annotations?.['validation.gitops/opt-out'] ?? '');
      if (!rootWaived) expect(spec.securityContext?.runAsNonRoot, object.metadata.name).toBe(true);
      expect(spec.securityContext?.seccompProfile?.type).toBe('RuntimeDefault');
      for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
        expect(c.securityContext?.allowPrivilegeEscalation, `${object.metadata.name}/${c.name}`).toBe(false);
        expect(c.securityContext?.capabilities?.drop).toEqual(['ALL']);
      }
    }
  });

  it('uses hostPath only in the Telegraf DaemonSet, with a written opt-out', () => {
    for (const { object } of appObjects(env).filter((o) => WORKLOADS.has(o.object.kind))) {
      const hostPaths = (podSpec(object).volumes ?? []).filter((v: any) => v.hostPath);
      if (object.kind === 'DaemonSet' && object.metadata.name === 'telegraf') {
        expect(hostPaths).toHaveLength(1);
        expect(object.metadata.annotations?.['validation.gitops/opt-out']).toMatch(/^policy\/host-path=.{20,}/);
      } else {
        expect(hostPaths, object.metadata.name).toEqual([]);
      }
    }
  });

  it('protects every data volume from Argo CD pruning', () => {
    for (const { object } of appObjects(env)) {
      if (object.kind === 'PersistentVolumeClaim') {
        expect(object.metadata.annotations?.['argocd.argoproj.io/sync-options']).toBe('Prune=false,Delete=false');
      }
      if (object.kind === 'StatefulSet') {
        expect(object.metadata.annotations?.['argocd.argoproj.io/sync-options']).toBe('Prune=false,Delete=false');
        expect((object as any).spec.volumeClaimTemplates.length).toBeGreaterThan(0);
      }
    }
  });

  it('puts volumes on the platform StorageClass and routes with the platform entry point and resolver', () => {
    const facts = platform(built(env).env).facts;
    const routes = appObjects(env).filter((o) => o.object.kind === 'IngressRoute').map((o) => o.object as any);
    expect(routes.length).toBeGreaterThan(0);
    for (const r of routes) {
      expect(r.apiVersion).toBe('traefik.io/v1alpha1');
      expect(r.spec.entryPoints).toEqual([facts.ingress.entryPoints.websecure]);
      expect(r.spec.tls).toEqual({ certResolver: facts.ingress.certResolver });
      for (const route of r.spec.routes) expect(route.match).toContain(facts.domain);
    }
    for (const { object } of appObjects(env)) {
      const o = object as any;
      if (o.kind === 'PersistentVolumeClaim') expect(o.spec.storageClassName).toBe(facts.storageClass.name);
      if (o.kind === 'StatefulSet') for (const t of o.spec.volumeClaimTemplates) expect(t.spec.storageClassName).toBe(facts.storageClass.name);
    }
  });

  it('denies all traffic by default in every app namespace and lets DNS out', () => {
    for (const ns of new Set(built(env).components.filter((c) => c.layer === 'app').map((c) => c.namespace))) {
      const policies = appObjects(env).filter((o) => o.object.metadata.namespace === ns && o.object.kind === 'NetworkPolicy').map((o) => o.object as any);
      const deny = policies.find((p) => p.metadata.name === 'default-deny');
      expect(deny?.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
      expect(policies.map((p) => p.metadata.name)).toContain('allow-dns');
    }
  });
});
