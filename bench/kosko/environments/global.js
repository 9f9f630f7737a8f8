'use strict';
// Global values of every environment (env.global()): what the synthetic app model takes from the platform.
module.exports = {
  namespace: 'synthetic',
  ingress: { className: 'traefik', entryPoints: { websecure: 'websecure' }, certResolver: 'pebble' },
};
