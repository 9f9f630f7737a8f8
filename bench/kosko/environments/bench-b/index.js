'use strict';
module.exports = require('../global.js');
