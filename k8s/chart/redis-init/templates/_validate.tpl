{{/*
Rules between values, which values.schema.json cannot state (each value's
own range is there). Every message names the values and what to do; the
same rules redis-init applies at start (docs/configuration.md "Derived
values and cross-key rules"), so that a release fails at `helm install`
rather than as pods that never become Ready. Included once, by configmap.yaml.
*/}}
{{- define "ri.validate" -}}
{{- $v := .Values -}}
{{- $errs := list -}}

{{/* Sentinel majorities. */}}
{{- $ns := int $v.sentinel.replicaCount -}}
{{- if kindIs "invalid" $v.sentinel.quorum -}}
{{- if eq (mod $ns 2) 0 -}}
{{- $errs = append $errs (printf "sentinel.replicaCount is %d, an even count: set sentinel.quorum explicitly (%d sentinels tolerate no more failures than %d do), or use an odd count" $ns $ns (sub $ns 1)) -}}
{{- end -}}
{{- else if gt (int $v.sentinel.quorum) $ns -}}
{{- $errs = append $errs (printf "sentinel.quorum is %d, more than sentinel.replicaCount (%d): the sentinels could never agree that the master is down" (int $v.sentinel.quorum) $ns) -}}
{{- end -}}

{{/* The write fence: min-replicas-to-write at most replicaCount - 1. */}}
{{- $nr := int $v.replica.replicaCount -}}
{{- if not (kindIs "invalid" $v.replica.minReplicasToWrite) -}}
{{- $m := int $v.replica.minReplicasToWrite -}}
{{- if and (gt $m 0) (lt $nr 2) -}}
{{- $errs = append $errs (printf "replica.minReplicasToWrite is %d (fencing on) with replica.replicaCount %d: fencing needs at least 2 servers, else the master refuses every write; use replica.replicaCount >= %d or replica.minReplicasToWrite: 0" $m $nr (add $m 1)) -}}
{{- else if gt $m (sub $nr 1) -}}
{{- $errs = append $errs (printf "replica.minReplicasToWrite is %d but replica.replicaCount is %d: a master has at most %d replicas, so it would refuse every write" $m $nr (sub $nr 1)) -}}
{{- end -}}
{{- end -}}

{{/* The grace period must hold prestop-timeout and the shutdown. */}}
{{- $pt := int (include "ri.setting" (dict "root" . "section" "lifecycle" "key" "prestop-timeout" "default" "20000")) -}}
{{- range $c := list (list "replica" $v.replica.terminationGracePeriodSeconds) (list "sentinel" $v.sentinel.terminationGracePeriodSeconds) -}}
{{- if lt (mul (int (index $c 1)) 1000) (add $pt 5000) -}}
{{- $errs = append $errs (printf "%s.terminationGracePeriodSeconds is %d, but settings.lifecycle.prestop-timeout (%d ms) needs at least %d s (5 s left for the shutdown)" (index $c 0) (int (index $c 1)) $pt (div (add $pt 5999) 1000)) -}}
{{- end -}}
{{- end -}}

{{/* Keys the chart writes itself. */}}
{{- $owned := dict
  "cluster" (dict "master-name" "sentinel.masterSet" "redis-replicas" "replica.replicaCount" "sentinel-replicas" "sentinel.replicaCount" "domain" "clusterDomain" "redis-service" "clusterName" "sentinel-service" "clusterName" "namespace" "(the release namespace)" "pod-name" "(the downward API)" "redis-port" "(fixed: 6379; the Services and policies use it)" "sentinel-port" "(fixed: 26379; the Services and policies use it)" "host-pattern" "(fixed: the pods' DNS names)")
  "paths" (dict "conf-dir" "(fixed: /conf)" "secrets" "auth.existingSecret" "redis-server" "server.flavour" "redis-sentinel" "server.flavour")
  "redis" (dict "dir" "(fixed: /data, persistence.*)" "min-replicas-to-write" "replica.minReplicasToWrite" "min-replicas-max-lag" "replica.minReplicasMaxLag")
  "sentinel" (dict "quorum" "sentinel.quorum" "down-after" "sentinel.downAfterMilliseconds" "failover-timeout" "sentinel.failoverTimeout" "parallel-syncs" "sentinel.parallelSyncs")
  "server" (dict "flavour" "server.flavour")
  "tls" (dict "mode" "tls.enabled" "auth-clients" "tls.authClients" "dir" "(fixed: /tls)" "plain-port" "(TLS only: the Services and policies know 6379)" "plain-sentinel-port" "(TLS only: the Services and policies know 26379)")
  "metrics" (dict "port" "metrics.enabled" "exporter-dir" "metrics.enabled" "address" "(every address: Prometheus scrapes the pod's IP)")
  "router" (dict "service" "clusterName")
-}}
{{- range $sec, $keys := ($v.settings | default dict) -}}
{{- if not (kindIs "map" $keys) -}}
{{- $errs = append $errs (printf "settings.%s must be a map of keys ([%s] key = value)" $sec $sec) -}}
{{- else -}}
{{- range $k, $_ := $keys -}}
{{- with (get (get $owned $sec | default dict) $k) -}}
{{- $errs = append $errs (printf "settings.%s.%s: the chart writes [%s] %s itself; set %s instead" $sec $k $sec $k .) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Secrets: the chart never makes up a password. */}}
{{- if not $v.auth.existingSecret -}}
{{- $need := list (list "admin" "ADMIN") (list "service" "SERVICE") (list "replica" "REPLICA") (list "sentinel" "SENTINEL") (list "sentinelSync" "SENTINEL_SYNC") -}}
{{- if $v.webdis.enabled }}{{ $need = append $need (list "webdis" "WEBDIS") }}{{ end -}}
{{- if $v.metrics.enabled }}{{ $need = append $need (list "exporter" "EXPORTER") }}{{ end -}}
{{- $missing := list -}}
{{- range $need -}}
{{- if not (get (get $v.auth (index . 0)) "password") }}{{ $missing = append $missing (printf "auth.%s.password" (index . 0)) }}{{ end -}}
{{- end -}}
{{- $du := include "ri.setting" (dict "root" . "section" "acl" "key" "default-user" "default" "off") | lower -}}
{{- $hint := "" -}}
{{- if and (has $du (list "on" "yes" "true" "1")) (not $v.auth.defaultUserPassword) -}}
{{- $missing = append $missing "auth.defaultUserPassword" -}}
{{- $hint = " (settings.acl.default-user is on)" -}}
{{- end -}}
{{- if $missing -}}
{{- $errs = append $errs (printf "no password for %s%s: give them (e.g. --set-string %s=...; keep them out of version control), or name a Secret of your own with auth.existingSecret (its key config.json, docs/configuration.md#secrets). The chart generates none: it would change at every upgrade" (join ", " $missing) $hint (index $missing 0)) -}}
{{- end -}}
{{- if hasPrefix "$" $v.auth.webdis.password -}}
{{- $errs = append $errs "auth.webdis.password starts with $, which Webdis reads as the name of an environment variable" -}}
{{- end -}}
{{- $users := dict -}}
{{- range $role := list "admin" "service" "replica" "sentinel" "webdis" "exporter" -}}
{{- $u := get $v.auth $role -}}
{{- if or (has $role (list "admin" "service" "replica" "sentinel")) $u.password -}}
{{- with get $users $u.username -}}
{{- $errs = append $errs (printf "auth.%s.username and auth.%s.username are both %q: each role needs a user name of its own on the servers" . $role $u.username) -}}
{{- end -}}
{{- $_ := set $users $u.username $role -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* What the optional parts need. */}}
{{- if and $v.webdis.enabled (not $v.router.enabled) -}}
{{- $errs = append $errs "webdis.enabled needs router.enabled: Webdis reaches the master through the router" -}}
{{- end -}}
{{- if and $v.tls.enabled (not $v.tls.existingSecret) (not $v.tls.certManager.enabled) -}}
{{- $errs = append $errs "tls.enabled needs a certificate: name a Secret with tls.crt, tls.key and ca.crt in tls.existingSecret, or set tls.certManager.enabled" -}}
{{- end -}}

{{- if $errs -}}
{{- fail (printf "\n\nredis-init chart: %d problem(s) with the values:\n  - %s\n" (len $errs) (join "\n  - " $errs)) -}}
{{- end -}}
{{- end -}}
