// The package entry: the TypeScript API (libs/ctp, built by `npm run build` into dist/libs/ctp) over the addon
// in build/Release. `const { MdApi, fakeLibrary } = require('./native-ctp')`.
'use strict';
module.exports = require('../dist/libs/ctp/src/index.js');
