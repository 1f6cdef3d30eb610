// node_wasi.mjs - run a preview1 guest under Node's built-in node:wasi, the
// second peer used to check the guests' expectations (see ../PEERS.md).
//
//   node node_wasi.mjs [--dir GUEST=HOST]... [--env K=V]... PROG.wasm [ARGS...]
//
// argv[0] seen by the guest is PROG.wasm's base name. The process exits with
// the guest's exit code (proc_exit, or 0 when _start returns).
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { WASI } from 'node:wasi';
import process from 'node:process';

const preopens = {};
const env = {};
const argv = process.argv.slice(2);
while (argv.length && argv[0].startsWith('--')) {
  const flag = argv.shift();
  const value = argv.shift() ?? '';
  const eq = value.indexOf('=');
  if (eq < 0) {
    console.error(`${flag} wants NAME=VALUE, got ${value}`);
    process.exit(2);
  }
  if (flag === '--dir') preopens[value.slice(0, eq)] = value.slice(eq + 1);
  else if (flag === '--env') env[value.slice(0, eq)] = value.slice(eq + 1);
  else {
    console.error(`unknown flag ${flag}`);
    process.exit(2);
  }
}
if (!argv.length) {
  console.error('usage: node node_wasi.mjs [--dir G=H]... [--env K=V]... PROG.wasm [ARGS...]');
  process.exit(2);
}
const prog = argv[0];
const wasi = new WASI({
  version: 'preview1',
  args: [basename(prog), ...argv.slice(1)],
  env,
  preopens,
  returnOnExit: true,
});
const module = await WebAssembly.compile(await readFile(prog));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
process.exitCode = wasi.start(instance);
