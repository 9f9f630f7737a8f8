// Unknown-field detection must be exact to the compiled schemas: maps and free-form objects are
// open, int-or-string and quantities are not objects, and the learned fast path must never hide
// an unknown field the Proxy run would find.
import { describe, expect, it } from 'vitest';
import { cleanBundle, container, metricsApi, mutate, validate, type Json } from './fixtures.ts';
import { syntheticBundle } from '../../render/bench-validate.ts';
import { validateBundle } from '../../render/validate/index.ts';

const unknownPaths = (objects: Json[]) => validate(objects).filter((f) => f.rule === 'schema/unknown-field').map((f) => f.path);

describe('schema/unknown-field', () => {
  it('reports typos at every depth with their field path', () => {
    const bundle = mutate((d) => {
      d.spec.replica = 3;
      d.metadata.labelz = {};
      container(d).imagePullPolice = 'Always';
      container(d).resources.limitz = {};
      d.spec.template.spec.securityContext.runAsNonRot = true;
    }, 'Deployment');
    expect(unknownPaths(bundle).sort()).toEqual([
      'metadata.labelz',
      'spec.replica',
      'spec.template.spec.containers[0].imagePullPolice',
      'spec.template.spec.containers[0].resources.limitz',
      'spec.template.spec.securityContext.runAsNonRot',
    ]);
  });

  it('leaves maps (labels, annotations, data, resource maps, selectors) open', () => {
    const bundle = mutate((d) => {
      d.metadata.annotations = { 'anything.example.com/at-all': 'x' };
      container(d).resources.requests['example.com/widget'] = '1';
      d.spec.template.metadata.annotations = { 'checksum/config': 'abc' };
    }, 'Deployment');
    expect(unknownPaths(bundle)).toEqual([]);
  });

  it('leaves free-form fields (Application helm valuesObject) open but checks around them', () => {
    const bundle = mutate((a) => {
      a.spec.source = { repoURL: 'https://charts.example.org', chart: 'web', targetRevision: '1.0.0', helm: { valuesObject: { anything: { goes: [1, { deep: true }] } } } };
    }, 'Application');
    expect(unknownPaths(bundle)).toEqual([]);
    bundle.find((o) => o.kind === 'Application')!.spec.source.helm.valuesObjekt = {};
    expect(unknownPaths(bundle)).toEqual(['spec.source.helm.valuesObjekt']);
  });

  it('int-or-string values in every form are not objects with fields', () => {
    for (const v of [0, '25%', 1]) {
      expect(unknownPaths(mutate((d) => (d.spec.strategy.rollingUpdate.maxUnavailable = v), 'Deployment'))).toEqual([]);
    }
  });

  it('the learned fast path still finds a typo after many clean objects of the same kind', () => {
    const items = syntheticBundle(20);
    const clean = validateBundle(items, { kubeVersion: '1.33' }).filter((f) => f.rule === 'schema/unknown-field');
    expect(clean).toEqual([]);
    const again = syntheticBundle(20);
    const dep = again.find((i) => i.object.kind === 'Deployment')!.object as Json;
    dep.spec.template.spec.containers[0].livenessProbe.httpGet.pth = '/x';
    dep.spec.template.spec.containers.push({ ...dep.spec.template.spec.containers[0], name: 'side', envFrom: [{ configMapRef: { name: 'app-0-config' }, prefx: 'A_' }] });
    const found = validateBundle(again, { kubeVersion: '1.33' }).filter((f) => f.rule === 'schema/unknown-field').map((f) => f.path);
    expect(found.sort()).toEqual([
      'spec.template.spec.containers[0].livenessProbe.httpGet.pth',
      'spec.template.spec.containers[1].envFrom[0].prefx',
      'spec.template.spec.containers[1].livenessProbe.httpGet.pth',
    ]);
  });

  it('an object shared at two schema locations is judged at each', () => {
    const bundle = cleanBundle();
    const d = bundle.find((o) => o.kind === 'Deployment')!;
    // The same object as container securityContext and pod securityContext: fsGroup exists only on the pod.
    const sc = { runAsNonRoot: true, fsGroup: 1000 };
    d.spec.template.spec.securityContext = sc;
    container(d).securityContext = sc;
    expect(unknownPaths(bundle)).toEqual(['spec.template.spec.containers[0].securityContext.fsGroup']);
  });

  it('description fields the model generator dropped are not reported', () => {
    const bundle = [
      { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'high' }, value: 1000, description: 'for web' },
      { apiVersion: 'argoproj.io/v1alpha1', kind: 'AppProject', metadata: { name: 'apps', namespace: 'argocd' }, spec: { description: 'apps', sourceRepos: ['*'] } },
    ];
    expect(unknownPaths(bundle)).toEqual([]);
    expect(unknownPaths([{ ...bundle[0], descripton: 'typo' }])).toEqual(['descripton']);
  });
});

describe('synthetic benchmark bundle', () => {
  it('is clean, so the benchmark measures the no-finding path', () => {
    expect(validateBundle(syntheticBundle(10), { kubeVersion: '1.33', inventory: [
      { apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'traefik' } },
      metricsApi,
    ] })).toEqual([]);
  });
});
