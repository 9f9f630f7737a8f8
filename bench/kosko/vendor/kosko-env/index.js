'use strict';
// Minimal stand-in for @kosko/env 1.x. @kosko/cli 1.2.5 resolves "@kosko/env" from the project
// directory, sets `env`, `cwd`, `paths`, `extensions` and `setReducers` on its default export
// (see node_modules/@kosko/cli/dist/commands/generate/env.js), and components read values with
// `env.global()` / `env.component(name)`. Environment files are loaded with require(), as in 1.x.
const { join } = require('path');

function isObject(v) {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
// Deep merge of plain objects; arrays and scalars are replaced.
function merge(...sources) {
  const out = {};
  for (const src of sources) {
    if (!isObject(src)) continue;
    for (const [k, v] of Object.entries(src)) out[k] = isObject(v) && isObject(out[k]) ? merge(out[k], v) : v;
  }
  return out;
}

function tryRequire(path) {
  try {
    const mod = require(path);
    return mod && mod.__esModule ? mod.default : mod;
  } catch (err) {
    if (err.code === 'MODULE_NOT_FOUND' && String(err.message).includes(path)) return {};
    throw err;
  }
}

class Environment {
  constructor(cwd) {
    this.cwd = cwd;
    this.env = undefined; // string | string[] (base environment first)
    this.extensions = undefined;
    this.paths = { global: 'environments/#{environment}', component: 'environments/#{environment}/#{component}' };
    this.reducers = [];
  }
  setReducers(fn) {
    this.reducers = fn(this.reducers);
  }
  envs() {
    return this.env === undefined ? [] : Array.isArray(this.env) ? this.env : [this.env];
  }
  load(template, component) {
    return merge(...this.envs().map((environment) => tryRequire(join(this.cwd, template.replace(/#\{(\w+)\}/g, (s, k) => ({ environment, component })[k] ?? s)))));
  }
  reduce(target, values) {
    return this.reducers.reduce((acc, r) => (typeof r === 'function' ? r(acc, target) : typeof r?.reduce === 'function' ? r.reduce(acc, target) : acc), values);
  }
  global() {
    return this.reduce({ type: 'global' }, this.load(this.paths.global));
  }
  component(name) {
    return this.reduce({ type: 'component', name }, merge(this.global(), this.load(this.paths.component, name)));
  }
}

module.exports = new Environment(process.cwd());
module.exports.Environment = Environment;
