// strictPolicy comes from the environment (prod sets it), not only from `--strict-policy`:
// the same policy finding is a warning without it and an error, which stops the render, with it.
import { describe, expect, it } from 'vitest';
import { dev } from '../../environments/dev.ts';
import { prod } from '../../environments/prod.ts';
import type { Environment } from '../../environments/types.ts';
import { renderEnvironment } from '../../render/pipeline.ts';
import { container, mutate, validate } from './fixtures.ts';

const latest = () => mutate((d) => (container(d).image = 'registry.example.org/web:latest'), 'Deployment');

describe('validateBundle strictPolicy option', () => {
  it('reports a policy finding as a warning by default', () => {
    expect(validate(latest()).filter((f) => f.rule === 'policy/image-tag').map((f) => f.severity)).toEqual(['warning']);
    expect(validate(latest(), { strictPolicy: false }).filter((f) => f.rule === 'policy/image-tag').map((f) => f.severity)).toEqual(['warning']);
  });
  it('reports it as an error with strictPolicy: true', () => {
    expect(validate(latest(), { strictPolicy: true }).filter((f) => f.rule === 'policy/image-tag').map((f) => f.severity)).toEqual(['error']);
  });
  it('leaves non-policy severities alone', () => {
    const bundle = mutate((s) => (s.spec.ports[0].targetPort = 8081), 'Service');
    expect(validate(bundle, { strictPolicy: true }).find((f) => f.rule === 'ref/target-port-number')?.severity).toBe('warning');
  });
});

describe('strictPolicy from the environment', () => {
  /** The environment with django-web's CPU request and limit left out: policy/resources, which no model guards. */
  const withoutWebCpu = (base: Environment, strictPolicy: boolean): Environment => {
    const env = structuredClone(base);
    env.strictPolicy = strictPolicy;
    const web = env.apps['django-web'];
    if (!web) throw new Error(`${base.name} runs no django-web`);
    delete (web.webSize.requests as { cpu?: string }).cpu;
    delete (web.webSize.limits as { cpu?: string }).cpu;
    return env;
  };
  const resources = (env: Environment) => {
    const r = renderEnvironment(env);
    return { findings: r.findings.filter((f) => f.rule === 'policy/resources'), files: r.files.size };
  };

  it('prod is strict and dev is not', () => {
    expect(prod.strictPolicy).toBe(true);
    expect(dev.strictPolicy).toBe(false);
  });
  it('a policy finding is an error (and nothing is written) when the environment is strict', () => {
    const r = resources(withoutWebCpu(prod, true));
    expect(r.findings.length).toBeGreaterThan(0);
    expect(r.findings.every((f) => f.severity === 'error' && f.env === 'prod')).toBe(true);
    expect(r.files).toBe(0);
  });
  it('the same finding is a warning (and the render proceeds) when it is not', () => {
    const r = resources(withoutWebCpu(prod, false));
    expect(r.findings.length).toBeGreaterThan(0);
    expect(r.findings.every((f) => f.severity === 'warning' && f.env === 'prod')).toBe(true);
    expect(r.files).toBeGreaterThan(0);
  });
});
