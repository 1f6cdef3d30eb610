// wasmer_sdk.mjs - run a guest under Wasmer itself (compiled to wasm, the
// npm package @wasmer/sdk 0.16 under Node): a behaviour reference for the
// WASIX calls, slow, not a speed reference. See ../PEERS.md.
//
//   npm install --prefix DIR @wasmer/sdk@0.16.0
//   WASMER_SDK_DIR=DIR node wasmer_sdk.mjs PROG.wasm [ARGS...]
//
// The guest runs in a fresh sandbox (its cwd is /workspace; /tmp exists).
// No host directories are mounted and no environment is passed. Prints the
// guest's stdout and stderr, then "EXIT <status> <reason>" on stderr, and
// exits with the guest's status.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import process from 'node:process';

const dir = process.env.WASMER_SDK_DIR;
if (!dir) {
  console.error('set WASMER_SDK_DIR to the folder @wasmer/sdk was installed into');
  process.exit(2);
}
const [prog, ...args] = process.argv.slice(2);
if (!prog) {
  console.error('usage: WASMER_SDK_DIR=DIR node wasmer_sdk.mjs PROG.wasm [ARGS...]');
  process.exit(2);
}
const sdk = join(dir, 'node_modules', '@wasmer', 'sdk', 'dist', 'node.js');
const { Wasmer } = await import(pathToFileURL(sdk).href);
const wasmer = new Wasmer();
let status = 1;
try {
  const pkg = await wasmer.packages.load(new Uint8Array(await readFile(prog)));
  const sandbox = await wasmer.sandboxes.create({ packages: [pkg] });
  try {
    const out = await sandbox.command(pkg, args).run({ check: false });
    process.stdout.write(Buffer.from(out.stdout.bytes));
    process.stderr.write(Buffer.from(out.stderr.bytes));
    console.error('EXIT', out.exitCode, out.reason);
    status = out.exitCode ?? 1;
  } finally {
    await sandbox.close();
  }
} finally {
  await wasmer.close();
}
process.exitCode = status;
