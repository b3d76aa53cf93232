{{/*
Names. clusterName empty: the names of k8s/ (redis-cluster-*, redis-init-*),
so that the chart and the kustomize base can adopt each other's objects.
*/}}
{{- define "ri.prefix" -}}{{ .Values.clusterName | default "redis-cluster" }}{{- end -}}
{{- define "ri.configPrefix" -}}{{ .Values.clusterName | default "redis-init" }}{{- end -}}
{{- define "ri.server" -}}{{ include "ri.prefix" . }}-server{{- end -}}
{{- define "ri.sentinel" -}}{{ include "ri.prefix" . }}-sentinel{{- end -}}
{{- define "ri.router" -}}{{ include "ri.prefix" . }}-router{{- end -}}
{{- define "ri.webdis" -}}{{ include "ri.prefix" . }}-webdis{{- end -}}
{{- define "ri.insight" -}}{{ include "ri.prefix" . }}-insight{{- end -}}
{{- define "ri.settingsName" -}}{{ include "ri.configPrefix" . }}-settings{{- end -}}
{{- define "ri.secretsName" -}}{{ .Values.auth.existingSecret | default (printf "%s-secrets" (include "ri.configPrefix" .)) }}{{- end -}}
{{- define "ri.tlsSecretName" -}}{{ .Values.tls.existingSecret | default (printf "%s-tls" (include "ri.configPrefix" .)) }}{{- end -}}

{{/*
Labels. Selectors (and pod templates, volumeClaimTemplates) carry only
what k8s/ has (they are immutable), plus the instance with clusterName.
Object metadata adds Helm's usual labels.
*/}}
{{- define "ri.selectorLabels" -}}
app.kubernetes.io/name: redis-init
app.kubernetes.io/component: {{ .component }}
{{- with .root.Values.clusterName }}
app.kubernetes.io/instance: {{ . }}
{{- end }}
{{- end -}}

{{- define "ri.labels" -}}
{{ include "ri.selectorLabels" . }}
{{- if not .root.Values.clusterName }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" }}
{{- end -}}

{{/* Labels of an object that belongs to no one component. */}}
{{- define "ri.commonLabels" -}}
app.kubernetes.io/name: redis-init
app.kubernetes.io/instance: {{ .Values.clusterName | default .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{/* An image reference from {registry, repository, tag, digest}. */}}
{{- define "ri.image" -}}
{{- $repo := .repository -}}
{{- if .registry }}{{ $repo = printf "%s/%s" .registry .repository }}{{ end -}}
{{- if .digest }}{{ printf "%s@%s" $repo .digest }}{{ else }}{{ printf "%s:%s" $repo (toString .tag) }}{{ end -}}
{{- end -}}

{{- define "ri.initImage" -}}
{{- $i := .Values.image -}}
{{- include "ri.image" (dict "registry" $i.registry "repository" $i.repository "tag" ($i.tag | default .Chart.AppVersion) "digest" $i.digest) -}}
{{- end -}}

{{- define "ri.serverImage" -}}
{{- $i := .Values.server.image -}}
{{- $valkey := eq .Values.server.flavour "valkey" -}}
{{- $repo := $i.repository | default (ternary "valkey/valkey" "redis" $valkey) -}}
{{- $tag := $i.tag | default (ternary "8.1" "7.0" $valkey) -}}
{{- include "ri.image" (dict "registry" $i.registry "repository" $repo "tag" $tag "digest" $i.digest) -}}
{{- end -}}

{{/* imagePullPolicy, when set. */}}
{{- define "ri.pullPolicy" -}}
{{- with .Values.image.pullPolicy }}
imagePullPolicy: {{ . }}
{{- end }}
{{- end -}}

{{/* imagePullSecrets of every pod, when set. */}}
{{- define "ri.pullSecrets" -}}
{{- with .Values.image.pullSecrets }}
imagePullSecrets:
{{- range . }}
  - name: {{ . }}
{{- end }}
{{- end }}
{{- end -}}

{{/* Every container: non-root, read-only root, nothing more. */}}
{{- define "ri.containerSecurity" -}}
securityContext:
  allowPrivilegeEscalation: false
  readOnlyRootFilesystem: true
  runAsNonRoot: true
  capabilities: {drop: [ALL]}
{{- end -}}

{{/* The pod's securityContext; uid: the image's user (dropped on OpenShift). */}}
{{- define "ri.podSecurity" -}}
securityContext:
  runAsNonRoot: true
{{- if not .root.Values.openshift.enabled }}
  runAsUser: {{ .uid }}
  runAsGroup: {{ .uid }}
  fsGroup: {{ .uid }}
{{- end }}
  seccompProfile: {type: RuntimeDefault}
{{- end -}}

{{/* Anti-affinity over topologyKey, soft or hard (preset), for component. */}}
{{- define "ri.affinity" -}}
{{- $preset := .preset | default .root.Values.podAntiAffinityPreset -}}
affinity:
  podAntiAffinity:
{{- if eq $preset "hard" }}
    requiredDuringSchedulingIgnoredDuringExecution:
      - topologyKey: {{ .root.Values.topologyKey }}
        labelSelector:
          matchLabels:
            {{- include "ri.selectorLabels" . | nindent 12 }}
{{- else }}
    preferredDuringSchedulingIgnoredDuringExecution:
      - weight: 100
        podAffinityTerm:
          topologyKey: {{ .root.Values.topologyKey }}
          labelSelector:
            matchLabels:
              {{- include "ri.selectorLabels" . | nindent 14 }}
{{- end }}
{{- end -}}

{{- define "ri.topologySpread" -}}
topologySpreadConstraints:
  - maxSkew: 1
    topologyKey: {{ .root.Values.topologyKey }}
    whenUnsatisfiable: ScheduleAnyway
    labelSelector:
      matchLabels:
        {{- include "ri.selectorLabels" . | nindent 8 }}
{{- end -}}

{{/* nodeSelector, tolerations, priorityClassName of a component's values. */}}
{{- define "ri.scheduling" -}}
{{- with .nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .priorityClassName }}
priorityClassName: {{ . }}
{{- end }}
{{- end -}}

{{/* The install init container. */}}
{{- define "ri.installContainer" -}}
- name: install                   # copies the static binaries into the emptyDir
  image: {{ include "ri.initImage" . }}
  {{- with (include "ri.pullPolicy" . | trim) }}{{ . | nindent 2 }}{{- end }}
  args: [/redis-init]
  {{- include "ri.containerSecurity" . | nindent 2 }}
  resources:
    {{- toYaml .Values.install.resources | nindent 4 }}
  volumeMounts:
    - {name: redis-init, mountPath: /redis-init}
{{- end -}}

{{/* TLS env of a container (k8s/overlays/tls). */}}
{{- define "ri.tlsEnv" -}}
{{- if .Values.tls.enabled }}
- {name: REDIS_INIT_TLS_MODE, value: "on"}
- {name: REDIS_INIT_TLS_AUTH_CLIENTS, value: {{ include "ri.tlsAuthClients" . | quote }}}
{{- end }}
{{- end -}}

{{/* [tls] auth-clients: yes | optional | no, or Bitnami's true/false. */}}
{{- define "ri.tlsAuthClients" -}}
{{- $a := .Values.tls.authClients -}}
{{- if kindIs "bool" $a }}{{ ternary "yes" "no" $a }}{{ else }}{{ $a }}{{ end -}}
{{- end -}}

{{- define "ri.tlsMount" -}}
{{- if .Values.tls.enabled }}
- {name: tls, mountPath: /tls, readOnly: true}
{{- end }}
{{- end -}}

{{- define "ri.tlsVolume" -}}
{{- if .Values.tls.enabled }}
- name: tls                       # a directory, never a subPath: renewals reach the pods
  secret: {secretName: {{ include "ri.tlsSecretName" . }}, defaultMode: 0440}
{{- end }}
{{- end -}}

{{- define "ri.secretsVolume" -}}
- name: secrets
  secret:
    secretName: {{ include "ri.secretsName" . }}
    defaultMode: 0440
{{- if and .Values.auth.existingSecret (ne .Values.auth.existingSecretKey "config.json") }}
    items:
      - {key: {{ .Values.auth.existingSecretKey }}, path: config.json}
{{- end }}
{{- end -}}

{{/*
Pod template annotations: a change of the settings (or of the Secret the
chart makes) rolls the pods, as the kustomize generators' name suffixes do.
*/}}
{{- define "ri.podAnnotations" -}}
checksum/settings: {{ include "ri.settingsIni" .root | sha256sum }}
{{- if not .root.Values.auth.existingSecret }}
checksum/secrets: {{ include "ri.configJson" .root | sha256sum }}
{{- end }}
{{- with .extra }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* A scalar for settings.ini: integral numbers without an exponent. */}}
{{- define "ri.iniValue" -}}
{{- if kindIs "float64" . -}}
{{- if eq (float64 (int64 .)) . }}{{ int64 . }}{{ else }}{{ . }}{{ end -}}
{{- else if kindIs "bool" . -}}
{{ ternary "yes" "no" . }}
{{- else -}}
{{ . }}
{{- end -}}
{{- end -}}

{{/* The lines "key = value" of one section of .Values.settings (lists: one per item). */}}
{{- define "ri.iniExtra" -}}
{{- if kindIs "map" . }}
{{- range $k, $v := . }}
{{- if kindIs "slice" $v }}
{{- range $v }}
{{ $k }} = {{ include "ri.iniValue" . }}
{{- end }}
{{- else }}
{{ $k }} = {{ include "ri.iniValue" $v }}
{{- end }}
{{- end }}
{{- end }}
{{- end -}}

{{/*
settings.ini: the chart's values for the keys it owns, then .Values.settings.
The one place the pod counts are written is values.yaml: they give both
these keys and the StatefulSets' spec.replicas.
*/}}
{{- define "ri.settingsIni" -}}
{{- $s := .Values.settings | default dict -}}
{{- $v := .Values -}}
; redis-init settings (every key: docs/configuration.md), written by the
; redis-init chart from its values: change the values, not this file.
; Not here on purpose, because the pods set them through the environment:
;   [cluster] redis-service, sentinel-service     the headless Services' names
;   [router] service                              the router Service's name
;   [cluster] pod-name, namespace                 the downward API
[cluster]
master-name = {{ $v.sentinel.masterSet }}
; The pod counts: replica.replicaCount and sentinel.replicaCount, which
; give the StatefulSets' spec.replicas too.
redis-replicas = {{ include "ri.iniValue" $v.replica.replicaCount }}
sentinel-replicas = {{ include "ri.iniValue" $v.sentinel.replicaCount }}
domain = {{ $v.clusterDomain }}
{{- include "ri.iniExtra" (get $s "cluster") }}

[paths]
conf-dir = /conf
secrets = /secrets/config.json
{{- include "ri.iniExtra" (get $s "paths") }}

[redis]
dir = /data
{{- if not (kindIs "invalid" $v.replica.minReplicasToWrite) }}
min-replicas-to-write = {{ include "ri.iniValue" $v.replica.minReplicasToWrite }}
{{- end }}
{{- if not (kindIs "invalid" $v.replica.minReplicasMaxLag) }}
min-replicas-max-lag = {{ include "ri.iniValue" $v.replica.minReplicasMaxLag }}
{{- end }}
{{- include "ri.iniExtra" (get $s "redis") }}
{{- $sent := list }}
{{- range $key, $val := dict "quorum" $v.sentinel.quorum "down-after" $v.sentinel.downAfterMilliseconds "failover-timeout" $v.sentinel.failoverTimeout "parallel-syncs" $v.sentinel.parallelSyncs }}
{{- if not (kindIs "invalid" $val) }}{{ $sent = append $sent (printf "%s = %s" $key (include "ri.iniValue" $val)) }}{{ end }}
{{- end }}
{{- if or $sent (get $s "sentinel") }}

[sentinel]
{{- range $sent }}
{{ . }}
{{- end }}
{{- include "ri.iniExtra" (get $s "sentinel") }}
{{- end }}
{{- with (get $s "lifecycle") }}

[lifecycle]
; prestop-timeout must fit terminationGracePeriodSeconds with 5 s left
; for the server to shut down (docs/lifecycle.md).
{{- include "ri.iniExtra" . }}
{{- end }}
{{- range $sec, $keys := $s }}
{{- if not (has $sec (list "cluster" "paths" "redis" "sentinel" "lifecycle")) }}

[{{ $sec }}]
{{- include "ri.iniExtra" $keys }}
{{- end }}
{{- end }}
{{ end -}}

{{/* One settings value, as redis-init would read it: the chart's, then settings. */}}
{{- define "ri.setting" -}}
{{- $sec := get (.root.Values.settings | default dict) .section | default dict -}}
{{- $val := get $sec .key -}}
{{- if kindIs "invalid" $val }}{{ .default }}{{ else }}{{ include "ri.iniValue" $val }}{{ end -}}
{{- end -}}

{{/*
config.json (the seed format, docs/configuration.md#secrets) from auth.*:
a user whose password is empty is left out.
*/}}
{{- define "ri.configJson" -}}
{{- $a := .Values.auth -}}
{{- $d := dict -}}
{{- range $pair := list (list "REPLICA" $a.replica) (list "SENTINEL" $a.sentinel) (list "SENTINEL_SYNC" $a.sentinelSync) (list "ADMIN" $a.admin) (list "SERVICE" $a.service) (list "WEBDIS" $a.webdis) (list "EXPORTER" $a.exporter) }}
{{- $u := index $pair 1 -}}
{{- if $u.password }}
{{- $_ := set $d (printf "%s_USERNAME" (index $pair 0)) $u.username -}}
{{- $_ := set $d (printf "%s_PASSWORD" (index $pair 0)) $u.password -}}
{{- end }}
{{- end }}
{{- with $a.defaultUserPassword }}{{ $_ := set $d "DEFAULT_USER_PASS" . }}{{ end -}}
{{- range $k, $val := $a.extra }}{{ $_ := set $d $k (toString $val) }}{{ end -}}
{{- dict "data" $d | toPrettyJson }}
{{ end -}}

{{/* NetworkPolicy peers: a list of components of this cluster, plus the clients. */}}
{{- define "ri.peers" -}}
{{- $root := .root -}}
{{- range .components }}
- podSelector:
    matchLabels:
      {{- include "ri.selectorLabels" (dict "root" $root "component" .) | nindent 6 }}
{{- end }}
{{- if .clients }}
- podSelector:              # labelled client pods, in any namespace
    matchLabels:
      {{- toYaml $root.Values.networkPolicy.clientLabels | nindent 6 }}
  namespaceSelector: {}
{{- with $root.Values.networkPolicy.extraFrom }}
{{ toYaml . }}
{{- end }}
{{- end }}
{{- end -}}

{{/* Who reaches Webdis and RedisInsight: the ingress controllers. */}}
{{- define "ri.ingressFrom" -}}
{{- if .Values.networkPolicy.ingressFrom }}
{{- toYaml .Values.networkPolicy.ingressFrom }}
{{- else if .Values.openshift.enabled }}
- namespaceSelector:
    matchLabels: {policy-group.network.openshift.io/ingress: ""}
{{- else }}
- namespaceSelector:
    matchLabels: {kubernetes.io/metadata.name: ingress-nginx}
{{- end }}
{{- end -}}

{{/* The Webdis exposure in effect: ingress, route or none. */}}
{{- define "ri.webdisExpose" -}}
{{- $e := .Values.webdis.expose -}}
{{- if eq $e "auto" }}{{ ternary "route" "ingress" .Values.openshift.enabled }}{{ else }}{{ $e }}{{ end -}}
{{- end -}}

{{/* metrics.enabled: the agent's env, port and mount in a server or sentinel container. */}}
{{- define "ri.metricsEnv" -}}
{{- if .Values.metrics.enabled }}
- {name: REDIS_INIT_METRICS_PORT, value: "9188"}
- {name: REDIS_INIT_METRICS_EXPORTER_DIR, value: /exporter}
- {name: REDIS_INIT_METRICS_EXPORTER_USER, value: {{ .Values.auth.exporter.username | quote }}}   # the sidecar's REDIS_USER
{{- end }}
{{- end -}}

{{/*
The redis_exporter sidecar (k8s/components/metrics): it reads its password
from the file redis-init writes into the shared in-memory volume. With TLS
it dials its own server by the pod's DNS name (the name its certificate
holds, which the exporter verifies against the CA; passwords.json has that
URI too), with the pod's certificate as its client certificate.
*/}}
{{- define "ri.exporterContainer" -}}
- name: exporter
  image: {{ include "ri.image" .root.Values.metrics.exporter.image }}
  {{- with (include "ri.pullPolicy" .root | trim) }}{{ . | nindent 2 }}{{- end }}
  # under redis-init, which restarts it when passwords.json changes (a live
  # password rotation: the exporter reads the file at start only)
  command: [/redis-init/redis-init, exporter, --run, --, /redis_exporter]
{{- if .root.Values.tls.enabled }}
  args: [-redis.addr, "rediss://$(POD_NAME).{{ .service }}.$(POD_NAMESPACE).svc.{{ .root.Values.clusterDomain }}:{{ .port }}",
         -web.listen-address, ":9121", -tls-client-cert-file, /tls/tls.crt,
         -tls-client-key-file, /tls/tls.key, -tls-ca-cert-file, /tls/ca.crt]
{{- else }}
  args: [-redis.addr, "redis://localhost:{{ .port }}", -web.listen-address, ":9121"]
{{- end }}
  env:                            # the user by name; the password from the file
    {{- if .root.Values.tls.enabled }}
    - name: POD_NAME
      valueFrom: {fieldRef: {fieldPath: metadata.name}}
    - name: POD_NAMESPACE
      valueFrom: {fieldRef: {fieldPath: metadata.namespace}}
    {{- end }}
    - {name: REDIS_USER, value: {{ .root.Values.auth.exporter.username | quote }}}
    - {name: REDIS_PASSWORD_FILE, value: /exporter/passwords.json}
    - {name: REDIS_INIT_METRICS_EXPORTER_DIR, value: /exporter}
  ports:
    - {name: exporter, containerPort: 9121}
  {{- include "ri.containerSecurity" . | nindent 2 }}
  resources:
    {{- toYaml .root.Values.metrics.exporter.resources | nindent 4 }}
  volumeMounts:
    - {name: redis-init, mountPath: /redis-init, readOnly: true}
    - {name: exporter, mountPath: /exporter, readOnly: true}
    {{- with (include "ri.tlsMount" .root | trim) }}{{ . | nindent 4 }}{{- end }}
{{- end -}}

{{- define "ri.exporterVolume" -}}
{{- if .Values.metrics.enabled }}
- name: exporter                  # passwords.json (0400), written by redis-init run
  emptyDir: {medium: Memory, sizeLimit: 1Mi}
{{- end }}
{{- end -}}

{{/* A volumeClaimTemplate's spec from {enabled, size, storageClass, accessModes}. */}}
{{- define "ri.claimSpec" -}}
accessModes:
  {{- toYaml .accessModes | nindent 2 }}
{{- if eq .storageClass "-" }}
storageClassName: ""
{{- else if .storageClass }}
storageClassName: {{ .storageClass }}
{{- end }}
resources:
  requests: {storage: {{ .size }}}
{{- end -}}
