// The app's wasm must import nothing from `env`: such imports mean a dependency
// pulled in native-only code that would fail at run time in the browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

function findWasm(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const found = findWasm(path);
      if (found) return found;
    } else if (entry.name.endsWith('.wasm')) {
      return path;
    }
  }
  return null;
}

test('the app wasm imports nothing from env', () => {
  const bundle = process.env.AGENTNET_WEB_BUNDLE;
  assert.ok(bundle, 'AGENTNET_WEB_BUNDLE is set');
  const wasm = findWasm(join(bundle, 'public'));
  assert.ok(wasm, 'the bundle holds a .wasm file');
  const module = new WebAssembly.Module(readFileSync(wasm));
  const imports = WebAssembly.Module.imports(module);
  assert.ok(imports.length > 0, 'the wasm imports its bindings');
  const fromEnv = imports.filter((i) => i.module === 'env').map((i) => i.name);
  assert.deepEqual(fromEnv, []);
});
