#!/usr/bin/env node
// A real ioredis application behind Sentinel (npm's ioredis, `npm ci` here).
//
//   sentinel_client.js probe SENTINELS MASTER_NAME
//   sentinel_client.js run   SENTINELS MASTER_NAME PREFIX STATUS_FILE STOP_FILE
//
// Same contract as sentinel_client.py: credentials from the secrets file
// named by $RI_SECRETS, never argv. run also subscribes to +switch-master on
// every sentinel and reports the events it heard ("switches").
"use strict";
const Redis = require("ioredis");
const { REFUSED, credentials, runLoop, sentinelList, tlsFiles } = require("./common");

// With RI_TLS_DIR: TLS to the sentinels and the servers with that folder's
// files; Node verifies the host names.
const tlsOptions = tlsFiles;

function master(sentinels, name, c) {
  const t = tlsOptions();
  return new Redis(Object.assign(t ? { tls: t, sentinelTLS: t, enableTLSForSentinelMode: true } : {}, {
    sentinels, name, role: "master",
    username: c.user, password: c.pass,
    sentinelUsername: c.user, sentinelPassword: c.pass,
    // ioredis's default. With failoverDetector: true, ioredis 5.11 ended the
    // client for good ("Connection is closed.") when +switch-master arrived
    // while it was reconnecting after the master died (seen in
    // test_clients.sh); run() subscribes to +switch-master itself instead.
    failoverDetector: false,
    connectTimeout: 500, commandTimeout: 1000, sentinelCommandTimeout: 500,
    sentinelRetryStrategy: () => 200,
    retryStrategy: () => 200,
    maxRetriesPerRequest: 1,
  }));
}

// A plain connection to one sentinel, as the service user.
function sentinelConn(s, c, extra) {
  const t = tlsOptions();
  return new Redis(Object.assign({ host: s.host, port: s.port, username: c.user, password: c.pass,
    enableReadyCheck: false, connectTimeout: 500, commandTimeout: 1000, maxRetriesPerRequest: 1 },
  t ? { tls: t } : {}, extra));
}


async function probe(arg, name) {
  const c = credentials(), sentinels = sentinelList(arg);
  const out = {};
  const warnings = [];
  const warn = console.warn;
  console.warn = (...a) => { warnings.push(a.join(" ")); };
  const m = master(sentinels, name, c);
  await m.set("js:probe", "ok");
  out.read = await m.get("js:probe");
  out.master = `${m.stream.remoteAddress}:${m.stream.remotePort}`;
  out.tls = Boolean(m.stream.encrypted);
  const s = sentinelConn(sentinels[0], c);
  out.masterAddr = (await s.sentinel("get-master-addr-by-name", name)).join(":");
  out.sentinels = (await s.sentinel("sentinels", name)).length;
  out.replicas = (await s.sentinel("replicas", name)).length;
  const sub = sentinelConn(sentinels[0], c);
  out.subscribed = await sub.subscribe("+switch-master");
  sub.disconnect();
  out.refused = {};
  for (const cmd of REFUSED) {
    const args = cmd.map((a) => a.replace("{m}", name));
    try {
      await s.call(...args);
      out.refused[args.slice(0, 2).join(" ")] = "ALLOWED";
    } catch (e) {
      out.refused[args.slice(0, 2).join(" ")] = /^NOPERM/.test(e.message) ? "NOPERM" : e.message;
    }
  }
  s.disconnect();
  m.disconnect();
  console.warn = warn;
  out.warnings = warnings;
  console.log(JSON.stringify(out));
  const ok = out.read === "ok" && out.subscribed === 1 && out.sentinels >= 1 && out.replicas >= 1 &&
    warnings.length === 0 && Object.values(out.refused).every((v) => v === "NOPERM");
  return ok ? 0 : 1;
}

async function run(arg, name, prefix, statusFile, stopFile) {
  const c = credentials(), sentinels = sentinelList(arg);
  const st = { ok: 0, errors: 0, master: "", last_error: "", switches: [] };
  const subs = sentinels.map((s) => {
    const sub = sentinelConn(s, c, { retryStrategy: () => 200 });
    sub.on("error", () => {});
    sub.subscribe("+switch-master").catch(() => {});
    sub.on("message", (_ch, msg) => { st.switches.push(msg); });
    return sub;
  });
  const m = master(sentinels, name, c);
  m.on("error", () => {});
  const rc = await runLoop({
    set: (k, v) => m.set(k, v), wait: () => m.call("WAIT", "1", "1000"), get: (k) => m.get(k),
    master: () => `${m.stream.remoteAddress}:${m.stream.remotePort}`,
  }, prefix, statusFile, stopFile, st);
  m.disconnect();
  subs.forEach((s) => s.disconnect());
  console.log(JSON.stringify(st));
  return rc;
}

async function main(argv) {
  if (argv.length === 3 && argv[0] === "probe") return probe(argv[1], argv[2]);
  if (argv.length === 6 && argv[0] === "run") return run(...argv.slice(1));
  console.error("usage: sentinel_client.js probe SENTINELS NAME | run SENTINELS NAME PREFIX STATUS STOP");
  return 64;
}

main(process.argv.slice(2)).then((rc) => process.exit(rc), (e) => {
  console.error(`sentinel_client.js: ${e.stack || e}`);
  process.exit(1);
});
