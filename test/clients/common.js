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

module.exports = { REFUSED, credentials, sentinelList, sleep, tlsFiles, writeStatus };
