/**
 * A test-only preload (`node --import ./tests/helpers/module-probe.mjs`): appends to MODULE_PROBE_FILE the name of
 * every npm package the process loads, once per package, whether by `require` (CommonJS, Next.js' externals) or by
 * `import` (ES modules, through a resolve hook). tests/loaded-on-first-use.test.ts reads it.
 */
import { appendFileSync } from "node:fs";
import Module, { register } from "node:module";

const file = process.env.MODULE_PROBE_FILE;
if (!file) throw new Error("module-probe: set MODULE_PROBE_FILE");

const seen = new Set();
/** The package a bare specifier names (`@scope/name/sub` → `@scope/name`), or undefined for paths and built-ins. */
function packageOf(specifier) {
  if (typeof specifier !== "string" || !/^[@a-z0-9]/i.test(specifier) || /^[a-z]+:/i.test(specifier)) return;
  if (Module.isBuiltin(specifier)) return;
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

const load = Module._load;
Module._load = function (request, ...rest) {
  const name = packageOf(request);
  if (name && !seen.has(name)) {
    seen.add(name);
    appendFileSync(file, `${name}\n`);
  }
  return load.call(this, request, ...rest);
};

// The resolve hook runs on the loader's own thread: it writes every bare specifier it sees (the test dedupes).
const hooks = `
import { appendFileSync } from "node:fs";
import { isBuiltin } from "node:module";
export async function resolve(specifier, context, next) {
  if (/^[@a-z0-9]/i.test(specifier) && !/^[a-z]+:/i.test(specifier) && !isBuiltin(specifier)) {
    const parts = specifier.split("/");
    appendFileSync(${JSON.stringify(file)}, (specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]) + "\\n");
  }
  return next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`);
