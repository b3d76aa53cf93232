// validate.mjs: every object of rendered manifests against the Kubernetes API
// schemas (npm kubernetes-models, pinned in package-lock.json).
//
//   node test/k8s/validate.mjs RENDERED.yaml...
//
// Two checks per object, both must pass:
//   1. kubernetes-models' validate(): types, required fields, enums, formats;
//   2. no unknown field anywhere (the API server would drop it silently with
//      a warning, so a typo such as `readOnlyRootFileSystem` would ship a
//      writable root): the allowed names come from the package's own type
//      declarations (.d.ts), which are generated from the same OpenAPI
//      schema, followed field by field.
// cert-manager's kinds come from @kubernetes-models/cert-manager, and the
// Prometheus Operator's (ServiceMonitor, PrometheusRule: monitoring.coreos.com)
// from @kubernetes-models/prometheus-operator (the same generator, pinned
// likewise); OpenShift's Route has a small schema below.
// Prints one line per object; exits 1 on any error, naming object and path.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import YAML from "yaml";

const here = path.dirname(fileURLToPath(import.meta.url));
const nm = path.join(here, "node_modules");
const models = path.join(nm, "kubernetes-models");

// ---------------------------------------------------------------- .d.ts fields

// parseDts(file) -> {props: {name: {file|null, array, map}}} or null when the
// file declares no interface (an alias of a scalar: IntOrString, Quantity,
// Time, Duration: a leaf). An interface's props are its own members plus
// those of the interfaces it extends (the prometheus-operator models share
// fields that way: Endpoint extends HTTPConfigWithProxyAndTLSFiles, whose own
// body is empty); a base not imported by name (TypeMeta: apiVersion, kind) is
// declared in the body anyway.
const dtsCache = new Map();
function parseDts(file) {
  if (dtsCache.has(file)) return dtsCache.get(file);
  const src = fs.readFileSync(file, "utf8").replace(/\/\*\*[\s\S]*?\*\//g, "");
  const imports = {};
  for (const m of src.matchAll(/^import \{ (\w+) \} from "([^"]+)";$/gm)) imports[m[1]] = m[2];
  const body = src.match(/^export interface I\w+(?: extends ([\w, ]+))? \{\n([\s\S]*?)^\}$/m);
  let out = null;
  if (body) {
    out = { props: {} };
    dtsCache.set(file, out);   // before the bases: a cycle ends here
    for (const base of (body[1] || "").split(",").map(x => x.trim()))
      if (imports[base]) Object.assign(out.props, parseDts(resolve(file, imports[base]))?.props);
    const re = /^ {4}"([^"]+)"\??: (.*?);?$/gm;
    const lines = body[2];
    // Top-level members only: a nested `{ [key: string]: T; }` spans lines.
    for (const m of lines.matchAll(re)) {
      let type = m[2].trim();
      let map = false, array = false;
      if (type === "{") {
        const rest = lines.slice(m.index + m[0].length);
        const inner = rest.match(/^\s*\[key: string\]: (.*?);/);
        type = inner ? inner[1].trim() : "unknown";
        map = true;
      }
      const arr = type.match(/^Array<(.*)>$/);
      if (arr) { type = arr[1]; array = true; }
      out.props[m[1]] = { file: imports[type] ? resolve(file, imports[type]) : null, array, map };
    }
  }
  // An alias of an imported interface (CoreV1TopologySpreadConstraint) is it.
  const alias = !body && src.match(/^export type I\w+ = (\w+);$/m);
  if (alias && imports[alias[1]]) out = parseDts(resolve(file, imports[alias[1]]));
  dtsCache.set(file, out);
  return out;
}

function resolve(from, spec) {
  let p = spec.startsWith(".") ? path.resolve(path.dirname(from), spec) : path.join(nm, spec);
  p = p.replace(/\.js$/, "");
  return p + ".d.ts";
}

function unknownFields(value, dts, where, errs) {
  if (value === null || typeof value !== "object") return;
  const t = parseDts(dts);
  if (!t) return;
  for (const [k, v] of Object.entries(value)) {
    const p = t.props[k];
    if (!p) { errs.push(`${where}/${k}: unknown field`); continue; }
    if (!p.file || v === null) continue;
    if (p.array && Array.isArray(v)) v.forEach((x, i) => unknownFields(x, p.file, `${where}/${k}/${i}`, errs));
    else if (p.map && typeof v === "object") for (const [mk, mv] of Object.entries(v)) unknownFields(mv, p.file, `${where}/${k}/${mk}`, errs);
    else unknownFields(v, p.file, `${where}/${k}`, errs);
  }
}

// ---------------------------------------------------------------- Route

// route.openshift.io/v1 Route: the fields OpenShift documents for spec
// (no npm schema package for it is reachable from here).
const ROUTE = {
  apiVersion: 1, kind: 1, metadata: "meta",
  spec: { host: "string", path: "string", subdomain: "string", wildcardPolicy: ["None", "Subdomain"],
          to: { kind: ["Service"], name: "string", weight: "int" },
          alternateBackends: "array", port: { targetPort: "intOrString" },
          tls: { termination: ["edge", "passthrough", "reencrypt"],
                 insecureEdgeTerminationPolicy: ["Allow", "None", "Redirect", ""],
                 certificate: "string", key: "string", caCertificate: "string",
                 destinationCACertificate: "string" } },
};
function routeCheck(v, s, where, errs) {
  if (s === 1) return;
  if (s === "meta") return unknownFields(v, path.join(nm, "@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta.d.ts"), where, errs);
  if (Array.isArray(s)) { if (!s.includes(v)) errs.push(`${where}: ${JSON.stringify(v)} is not one of ${s.join(", ")}`); return; }
  if (s === "string") { if (typeof v !== "string") errs.push(`${where}: must be a string`); return; }
  if (s === "int") { if (!Number.isInteger(v)) errs.push(`${where}: must be an integer`); return; }
  if (s === "intOrString") { if (!Number.isInteger(v) && typeof v !== "string") errs.push(`${where}: must be an integer or a string`); return; }
  if (s === "array") { if (!Array.isArray(v)) errs.push(`${where}: must be an array`); return; }
  if (typeof v !== "object" || v === null || Array.isArray(v)) { errs.push(`${where}: must be an object`); return; }
  for (const [k, x] of Object.entries(v)) {
    if (!(k in s)) errs.push(`${where}/${k}: unknown field`);
    else routeCheck(x, s[k], `${where}/${k}`, errs);
  }
}

// ---------------------------------------------------------------- main

async function check(obj) {
  const errs = [];
  if (!obj || typeof obj.apiVersion !== "string" || typeof obj.kind !== "string")
    return ["no apiVersion/kind"];
  if (obj.apiVersion === "route.openshift.io/v1" && obj.kind === "Route") {
    routeCheck(obj, ROUTE, "", errs);
    if (!obj.spec?.to?.name) errs.push("/spec/to/name: required");
    if (!obj.metadata?.name) errs.push("/metadata/name: required");
    return errs;
  }
  // cert-manager's kinds (k8s/overlays/tls) and the Prometheus Operator's
  // (ServiceMonitor, PrometheusRule) from their own models packages.
  const base = obj.apiVersion.startsWith("cert-manager.io/") ? path.join(nm, "@kubernetes-models/cert-manager")
    : obj.apiVersion.startsWith("monitoring.coreos.com/") ? path.join(nm, "@kubernetes-models/prometheus-operator")
    : models;
  const dir = path.join(base, obj.apiVersion);   // "apps/v1", "v1", "policy/v1", "cert-manager.io/v1", "monitoring.coreos.com/v1"
  const file = path.join(dir, obj.kind + ".js");
  if (!obj.apiVersion.match(/^[a-z0-9.-]*\/?v[0-9a-z]+$/) || !fs.existsSync(file))
    return [`no schema for ${obj.apiVersion} ${obj.kind}`];
  const mod = await import(file);
  // Current kustomize folds long Secret data over lines; the API server's
  // base64 decoder (Go's) skips newlines, the "byte" format check does not.
  const v = obj.kind === "Secret" && obj.data
    ? { ...obj, data: Object.fromEntries(Object.entries(obj.data).map(([k, x]) => [k, typeof x === "string" ? x.replace(/\n/g, "") : x])) }
    : obj;
  try {
    new mod[obj.kind](v).validate();
  } catch (e) {
    errs.push(String(e.message || e));
  }
  unknownFields(obj, file.replace(/\.js$/, ".d.ts"), "", errs);
  return errs;
}

let failed = 0, count = 0;
for (const f of process.argv.slice(2)) {
  const docs = YAML.parseAllDocuments(fs.readFileSync(f, "utf8"));
  for (const d of docs) {
    if (d.errors.length) { console.log(`FAIL ${f}: YAML: ${d.errors[0].message}`); failed++; continue; }
    const obj = d.toJSON();
    if (obj === null) continue;
    count++;
    const name = `${obj?.kind}/${obj?.metadata?.name}`;
    const errs = await check(obj);
    if (errs.length) {
      failed++;
      for (const e of errs) console.log(`FAIL ${path.basename(f)} ${name}: ${e}`);
    } else {
      console.log(`ok   ${path.basename(f)} ${name}`);
    }
  }
}
if (count === 0) { console.log("FAIL: no objects"); process.exit(1); }
console.log(`schema: ${count} objects, ${failed} invalid`);
process.exit(failed ? 1 : 0);
