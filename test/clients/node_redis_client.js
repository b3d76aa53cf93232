#!/usr/bin/env node
// A real node-redis application behind Sentinel (npm's redis, `npm ci`
// here): its own Sentinel support (createSentinel), which asks the
// sentinels SENTINEL MASTER / REPLICAS / SENTINELS rather than
// get-master-addr-by-name, and speaks RESP3 (HELLO 3) by default.
//
//   node_redis_client.js probe SENTINELS MASTER_NAME
//   node_redis_client.js run   SENTINELS MASTER_NAME PREFIX STATUS_FILE STOP_FILE
//
// Same contract as sentinel_client.js: credentials from the secrets file
// named by $RI_SECRETS, never argv; with RI_TLS_DIR, TLS to the sentinels
// and the servers with that folder's ca.crt, tls.crt and tls.key, and Node
// verifies the host names. Prints one JSON line; exit 0 when the master was
// found, written and read, the events subscribed, and every
// state-changing SENTINEL command refused. run: as sentinel_client.js's (a
// write acknowledged with WAIT 1, read back, until STOP_FILE exists; every
// acknowledged key read back at the end).
"use strict";
const { createClient, createSentinel } = require("redis");
const { REFUSED, credentials, runLoop, sentinelList, tlsFiles } = require("./common");

// The socket options of one connection: TLS with host-name verification
// (Node's default) when RI_TLS_DIR is set.
function socket(extra) {
  const t = tlsFiles();
  return Object.assign({ connectTimeout: 1000, reconnectStrategy: 200 }, t ? Object.assign({ tls: true }, t) : {},
    extra);
}

async function probe(arg, name) {
  const cr = credentials(), sentinels = sentinelList(arg);
  const c = { username: cr.user, password: cr.pass };
  const out = { client: "node-redis " + require("redis/package.json").version };
  const errors = [];
  const s = createSentinel({
    name, sentinelRootNodes: sentinels,
    nodeClientOptions: Object.assign({}, c, { socket: socket() }),
    sentinelClientOptions: Object.assign({}, c, { socket: socket() }),
  });
  s.on("error", (e) => errors.push(String(e).slice(0, 200)));
  await s.connect();
  await s.set("nr:probe", "ok");
  out.read = await s.get("nr:probe");
  const m = s.getMasterNode();
  out.master = m ? `${m.host}:${m.port}` : "";
  out.tls = Boolean(process.env.RI_TLS_DIR);
  // One sentinel directly: what the service user may read and subscribe
  // to, and what it is refused.
  const one = createClient(Object.assign({}, c, { socket: socket(sentinels[0]) }));
  one.on("error", (e) => errors.push(String(e).slice(0, 200)));
  await one.connect();
  out.tlsSocket = Boolean(one.options?.socket?.tls);
  const addr = await one.sendCommand(["SENTINEL", "GET-MASTER-ADDR-BY-NAME", name]);
  out.masterAddr = addr.join(":");
  const sub = one.duplicate();
  sub.on("error", (e) => errors.push(String(e).slice(0, 200)));
  await sub.connect();
  let subscribed = 0;
  await sub.subscribe("+switch-master", () => {});
  subscribed = 1;
  out.subscribed = subscribed;
  await sub.unsubscribe();
  sub.destroy();
  out.refused = {};
  for (const cmd of REFUSED) {
    const args = cmd.map((a) => a.replace("{m}", name));
    try {
      await one.sendCommand(args);
      out.refused[args.slice(0, 2).join(" ")] = "ALLOWED";
    } catch (e) {
      out.refused[args.slice(0, 2).join(" ")] = /^NOPERM/.test(e.message) ? "NOPERM" : e.message;
    }
  }
  one.destroy();
  s.destroy();
  out.errors = errors;
  console.log(JSON.stringify(out));
  const ok = out.read === "ok" && out.master === out.masterAddr && out.subscribed === 1 &&
    errors.length === 0 && Object.values(out.refused).every((v) => v === "NOPERM");
  return ok ? 0 : 1;
}

async function run(arg, name, prefix, statusFile, stopFile) {
  const cr = credentials(), sentinels = sentinelList(arg);
  const c = { username: cr.user, password: cr.pass };
  const st = { ok: 0, errors: 0, master: "", last_error: "" };
  const s = createSentinel({
    name, sentinelRootNodes: sentinels,
    nodeClientOptions: Object.assign({}, c, { socket: socket() }),
    sentinelClientOptions: Object.assign({}, c, { socket: socket() }),
  });
  s.on("error", (e) => { st.last_error = String(e).slice(0, 120); });
  await s.connect();
  const rc = await runLoop({
    set: (k, v) => s.set(k, v), wait: () => s.sendCommand(false, ["WAIT", "1", "1000"]),
    get: (k) => s.get(k),
    master: () => { const m = s.getMasterNode(); return m ? `${m.host}:${m.port}` : ""; },
  }, prefix, statusFile, stopFile, st);
  s.destroy();
  console.log(JSON.stringify(st));
  return rc;
}

async function main(argv) {
  if (argv.length === 3 && argv[0] === "probe") return probe(argv[1], argv[2]);
  if (argv.length === 6 && argv[0] === "run") return run(...argv.slice(1));
  console.error("usage: node_redis_client.js probe SENTINELS NAME | run SENTINELS NAME PREFIX STATUS STOP");
  return 64;
}

main(process.argv.slice(2)).then((rc) => process.exit(rc), (e) => {
  console.error(`node_redis_client.js: ${e.stack || e}`);
  process.exit(1);
});
