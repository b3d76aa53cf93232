// common.js: what the Node clients of these tests share (sentinel_client.js
// with ioredis, node_redis_client.js with node-redis): the state-changing
// SENTINEL commands the service user must be refused, the credentials
// (from the secrets file named by $RI_SECRETS, never argv), the sentinel
// list argument, the TLS files of $RI_TLS_DIR, and the run mode's status
// file.
"use strict";
const fs = require("fs");

const REFUSED = [
  ["SENTINEL", "FAILOVER", "{m}"],
  ["SENTINEL", "SET", "{m}", "quorum", "1"],
  ["SENTINEL", "MONITOR", "other", "127.0.0.1", "6379", "2"],
  ["SENTINEL", "REMOVE", "{m}"],
  ["SENTINEL", "RESET", "{m}"],
  ["SENTINEL", "CONFIG", "SET", "resolve-hostnames", "no"],
  ["SENTINEL", "DEBUG"],
];

function credentials() {
  const d = JSON.parse(fs.readFileSync(process.env.RI_SECRETS, "utf8")).data;
  return { user: d.SERVICE_USERNAME, pass: d.SERVICE_PASSWORD };
}

function sentinelList(arg) {
  return arg.split(",").map((s) => {
    const i = s.lastIndexOf(":");
    return { host: s.slice(0, i), port: Number(s.slice(i + 1)) };
  });
}

// With RI_TLS_DIR: that folder's ca.crt, tls.crt and tls.key; else null.
function tlsFiles() {
  const d = process.env.RI_TLS_DIR;
  if (!d) return null;
  return { ca: fs.readFileSync(`${d}/ca.crt`), cert: fs.readFileSync(`${d}/tls.crt`),
    key: fs.readFileSync(`${d}/tls.key`) };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The run mode's status file, replaced in one rename.
function writeStatus(path, st) {
  fs.writeFileSync(path + ".tmp", JSON.stringify(st));
  fs.renameSync(path + ".tmp", path);
}

// The run mode's loop: PREFIX:i written, acknowledged with WAIT 1 and read
// back, over and over until stopFile exists (errors counted and retried);
// then every acknowledged key read back. ops: set(key, val), wait() (the
// replicas WAIT 1 reached), get(key), master() ("host:port" for the
// status). st: the status, rewritten after every round; the summary is
// added to it. Resolves to the exit code: 0 when nothing is missing.
async function runLoop(ops, prefix, statusFile, stopFile, st) {
  const acked = [];
  const deadline = Date.now() + 240000;
  for (let i = 0; !fs.existsSync(stopFile) && Date.now() < deadline;) {
    const key = `${prefix}:${i}`, val = `v${i}`;
    try {
      await ops.set(key, val);
      const n = await ops.wait();
      if ((await ops.get(key)) !== val) throw new Error(`read back a different value for ${key}`);
      if (n >= 1) acked.push(key);
      st.ok++;
      st.master = ops.master();
      i++;
    } catch (e) {
      st.errors++;
      st.last_error = String(e.message).slice(0, 120);
      await sleep(200);
    }
    writeStatus(statusFile, st);
    await sleep(50);
  }
  const missing = [];
  for (const key of acked) {
    let got = null;
    for (let t = 0; t < 20; t++) {
      try { got = await ops.get(key); break; } catch (e) { await sleep(200); }
    }
    if (got !== "v" + key.split(":").pop()) missing.push(key);
  }
  Object.assign(st, { acked: acked.length, missing: missing.slice(0, 10), n_missing: missing.length });
  return missing.length === 0 && st.ok > 0 ? 0 : 1;
}

module.exports = { REFUSED, credentials, runLoop, sentinelList, sleep, tlsFiles, writeStatus };
