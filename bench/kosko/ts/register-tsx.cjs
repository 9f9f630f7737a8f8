'use strict';
// The tsx hook kosko.toml's `require` loads (what `node --import tsx/esm` would do), as a file
// rather than `require = ["tsx/cjs"]` because:
// - kosko 1.2.5 resolves `require` entries with the `resolve` package, which ignores package
//   "exports", and tsx publishes its entry points only there ("Cannot find module 'tsx/cjs'");
//   Node's require() and import() below read them.
// - kubernetes-models 5 is ES modules only (its "exports" have no "require" condition), so the
//   component is an ES module (package.json "type": "module") that kosko import()s, and it is
//   tsx's ESM hook that compiles it; with tsx/cjs alone, Node 22 would strip the types itself
//   and tsx would compile nothing. tsx/cjs adds ".ts" to require.extensions, from which kosko
//   builds its component glob.
// - tsx 4.23's `tsx/esm/api` register() works on Node 22 but not on Node 20 (a wrong hook path);
//   importing tsx/esm registers its hooks on both. kosko awaits what a `require` entry exports.
require('tsx/cjs');
module.exports = import('tsx/esm');
