// Renders the three environments with kosko and checks the output: node verify.mjs <W> [ts]
// With `ts`, checks the TypeScript variant (ts/): type-checks it with tsc, renders it, checks the
// same, and compares its YAML stream with the JavaScript variant's, byte for byte.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
const yaml = createRequire(import.meta.url)('js-yaml');
const W = Number(process.argv[2]);
const variant = process.argv[3] ?? 'js';
const ENVS = ['bench-a', 'bench-b', 'bench-c'];
const fail = (m) => { console.error('FAIL', m); process.exit(1); };
if (!Number.isInteger(W) || W < 1 || !['js', 'ts'].includes(variant)) fail('usage: node verify.mjs <W> [ts]');
const kosko = new URL('node_modules/@kosko/cli/bin/kosko.js', import.meta.url).pathname;
const dirOf = (v) => new URL(v === 'ts' ? 'ts/' : './', import.meta.url).pathname;
const render = (v, name) => execFileSync(process.execPath, [kosko, 'generate', '--env', name], { cwd: dirOf(v), env: { ...process.env, BENCH_APPS: String(W) }, maxBuffer: 1 << 30, encoding: 'utf8' });
if (variant === 'ts') {
  try {
    execFileSync(process.execPath, [new URL('node_modules/typescript/bin/tsc', import.meta.url).pathname, '-p', dirOf('ts')], { encoding: 'utf8' });
  } catch (err) {
    fail(`tsc -p ts:\n${err.stdout}${err.stderr}`);
  }
  console.log('ts: tsc -p ts type-checks');
}
for (const [e, name] of ENVS.entries()) {
  const out = render(variant, name);
  if (variant === 'ts' && out !== render('js', name)) fail(`${name}: the TypeScript variant's YAML differs from the JavaScript variant's`);
  const docs = yaml.loadAll(out).filter(Boolean);
  const topKind = out.split('\n').filter((l) => l.startsWith('kind:')).length;
  const kinds = {};
  for (const d of docs) kinds[d.kind] = (kinds[d.kind] ?? 0) + 1;
  if (docs.length !== 5 * W || topKind !== 5 * W) fail(`${name}: ${docs.length} docs, ${topKind} top-level kind: lines, want ${5 * W}`);
  for (const k of ['ConfigMap', 'Deployment', 'Service', 'Ingress', 'HorizontalPodAutoscaler']) if (kinds[k] !== W) fail(`${name}: ${kinds[k]} ${k}`);
  for (let i = 0; i < W; i++) {
    const app = `app-${String(i).padStart(4, '0')}`;
    const [cm, dep, svc, ing, hpa] = docs.slice(5 * i, 5 * i + 5);
    if (cm.metadata.name !== `${app}-config` || cm.data.LOG_LEVEL !== (e === 2 ? 'warn' : 'debug')) fail(`${name} ${app}: ConfigMap`);
    if (dep.spec.template.spec.containers[0].image !== `registry.example.com/${app}:1.${e}.${i % 10}`) fail(`${name} ${app}: image`);
    if (svc.metadata.name !== app) fail(`${name} ${app}: Service`);
    if (ing.spec.rules[0].host !== `${app}.${name}.example.com` || ing.spec.tls[0].hosts[0] !== `${app}.${name}.example.com`) fail(`${name} ${app}: host`);
    if (hpa.apiVersion !== 'autoscaling/v2' || hpa.spec.minReplicas !== 2 + e || hpa.spec.maxReplicas !== 3 * (2 + e)) fail(`${name} ${app}: HPA replicas`);
  }
  const d0 = docs[1], i0 = docs[3], h0 = docs[4], c0 = docs[0];
  console.log(`${variant} ${name}: ${docs.length} objects (${topKind} top-level kind: lines) ${JSON.stringify(kinds)}; app-0000: replicas(HPA min/max)=${h0.spec.minReplicas}/${h0.spec.maxReplicas} image=${d0.spec.template.spec.containers[0].image} host=${i0.spec.rules[0].host} LOG_LEVEL=${c0.data.LOG_LEVEL}; bytes=${out.length}${variant === 'ts' ? ', identical to the JavaScript variant' : ''}`);
}
console.log(`OK ${variant} W=${W}`);
