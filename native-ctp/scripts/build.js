#!/usr/bin/env node
// Builds the addon and the fake fronts with node-gyp (the machine's g++ and Node's headers; nothing is
// downloaded) unless the build is there for the same sources. Run by `npm ci` (postinstall) and by
// scripts/ensure-deps.sh; `--force` rebuilds.
'use strict';
const { execFileSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const dir = path.resolve(__dirname, '..');
const stamp = path.join(dir, 'build', '.source-hash');

function files(folder) {
  return fs
    .readdirSync(folder, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? files(path.join(folder, e.name)) : [path.join(folder, e.name)]))
    .sort();
}

const hash = crypto.createHash('sha256');
for (const f of [path.join(dir, 'binding.gyp'), ...['addon', 'bench', 'fake', 'scripts', 'spec'].flatMap((d) => files(path.join(dir, d)))]) {
  hash.update(path.relative(dir, f));
  hash.update(fs.readFileSync(f));
}
const want = hash.digest('hex');
const built = ['qautlra_ctp.node', 'qautlra_ctp_6_5_1.node', 'thostmduserapi_se.so', 'thostmduserapi_se_6_5_1.so', 'thosttraderapi_se.so', 'ctp_floor'].every((f) =>
  fs.existsSync(path.join(dir, 'build', 'Release', f)),
);
if (!process.argv.includes('--force') && built && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === want) {
  process.exit(0);
}
console.log('native-ctp: building the CTP addon and the fake fronts (node-gyp)');
const gyp = require.resolve('node-gyp/bin/node-gyp.js', { paths: [path.join(dir, '..')] });
// Node's own headers (Debian's nodejs puts them under /usr/include/node): never a download.
const nodedir = [process.env.npm_config_nodedir, path.resolve(process.execPath, '..', '..')].find(
  (d) => d && fs.existsSync(path.join(d, 'include', 'node', 'node_api.h')),
);
if (!nodedir) {
  console.error(`native-ctp: Node's headers (include/node/node_api.h) not found beside ${process.execPath}`);
  process.exit(1);
}
execFileSync(process.execPath, [gyp, 'rebuild', '--jobs', 'max', '--loglevel=warn', `--nodedir=${nodedir}`, '-C', dir], {
  stdio: 'inherit',
});
fs.writeFileSync(stamp, want);
