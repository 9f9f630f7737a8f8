'use strict';
// The synthetic workload of render/bench.ts (makeSyntheticRepo): BENCH_APPS apps per
// environment; environment e (0, 1, 2) differs in replicas, image tag, host and log level.
const ENVS = ['bench-a', 'bench-b', 'bench-c'];

module.exports = function apps(name) {
  const e = ENVS.indexOf(name);
  const raw = process.env.BENCH_APPS;
  const count = Number(raw);
  if (e < 0) throw new Error(`unknown environment ${name}`);
  if (raw === undefined || raw === '' || !Number.isInteger(count) || count < 0) throw new Error(`BENCH_APPS must be a whole number, not ${JSON.stringify(raw)}`);
  return Array.from({ length: count }, (_, i) => {
    const app = `app-${String(i).padStart(4, '0')}`;
    return { name: app, replicas: 2 + e, tag: `1.${e}.${i % 10}`, host: `${app}.${name}.example.com`, logLevel: e === 2 ? 'warn' : 'debug' };
  });
};
