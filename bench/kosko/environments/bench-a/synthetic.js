'use strict';
// Values of the "synthetic" component in this environment (env.component('synthetic')).
module.exports = { apps: require('../apps.js')('bench-a') };
