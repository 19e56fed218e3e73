{{/* Base name of every object: the release name when it already says amko-federation. */}}
{{- define "amkofed.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "amkofed.labels" -}}
app.kubernetes.io/part-of: amko-federation
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end -}}

{{/* Selector labels of one component: (dict "root" $ "component" "watcher") */}}
{{- define "amkofed.selector" -}}
app.kubernetes.io/name: {{ include "amkofed.fullname" .root }}-{{ .component }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end -}}

{{- define "amkofed.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "amkofed.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "amkofed.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{- define "amkofed.redisSecretName" -}}
{{- if eq .Values.redis.mode "bundled" -}}
{{- default (printf "%s-redis" (include "amkofed.fullname" .)) .Values.redis.bundled.existingSecret -}}
{{- else -}}
{{- default (printf "%s-redis" (include "amkofed.fullname" .)) .Values.redis.external.existingSecret -}}
{{- end -}}
{{- end -}}

{{- define "amkofed.boardSecretName" -}}
{{- default (printf "%s-board" (include "amkofed.fullname" .)) .Values.board.existingSecret -}}
{{- end -}}

{{/* REDIS_URL (and what it needs) for both workloads. */}}
{{- define "amkofed.redisEnv" -}}
{{- $r := .Values.redis -}}
{{- if and (eq $r.mode "external") $r.external.sentinel.enabled }}
{{- $s := $r.external.sentinel }}
{{- if $s.passwordSecret }}
- name: AMKO_FED_REDIS_PASSWORD
  valueFrom: { secretKeyRef: { name: {{ $s.passwordSecret }}, key: {{ $s.passwordKey }} } }
{{- end }}
{{- if $s.sentinelPasswordKey }}
- name: AMKO_FED_SENTINEL_PASSWORD
  valueFrom: { secretKeyRef: { name: {{ required "redis.external.sentinel.passwordSecret is required with sentinelPasswordKey" $s.passwordSecret }}, key: {{ $s.sentinelPasswordKey }} } }
{{- end }}
- name: REDIS_URL
  value: {{ printf "%s://%s%s/%s/%d%s" (ternary "rediss-sentinel" "redis-sentinel" $s.tls) (ternary ":$(AMKO_FED_REDIS_PASSWORD)@" "" (ne $s.passwordSecret "")) (join "," $s.hosts) $s.masterName (int $s.db) (ternary "?sentinelPassword=$(AMKO_FED_SENTINEL_PASSWORD)" "" (ne $s.sentinelPasswordKey "")) | quote }}
{{- else }}
- name: REDIS_URL
  valueFrom: { secretKeyRef: { name: {{ include "amkofed.redisSecretName" . }}, key: {{ ternary "url" $r.external.urlKey (eq $r.mode "bundled") }} } }
{{- end }}
{{- end -}}

{{/* Pod anti-affinity of one component unless the user gave an affinity. */}}
{{- define "amkofed.affinity" -}}
{{- $c := index .root.Values .component -}}
{{- if $c.affinity }}
affinity: {{- toYaml $c.affinity | nindent 2 }}
{{- else if eq .root.Values.podAntiAffinity "soft" }}
affinity:
  podAntiAffinity:
    preferredDuringSchedulingIgnoredDuringExecution:
      - weight: 100
        podAffinityTerm:
          topologyKey: kubernetes.io/hostname
          labelSelector:
            matchLabels: {{- include "amkofed.selector" . | nindent 14 }}
{{- else if eq .root.Values.podAntiAffinity "hard" }}
affinity:
  podAntiAffinity:
    requiredDuringSchedulingIgnoredDuringExecution:
      - topologyKey: kubernetes.io/hostname
        labelSelector:
          matchLabels: {{- include "amkofed.selector" . | nindent 12 }}
{{- end }}
{{- end -}}

{{- define "amkofed.probes" -}}
startupProbe: { httpGet: { path: /healthz, port: http }, periodSeconds: {{ .Values.probes.startup.periodSeconds }}, failureThreshold: {{ .Values.probes.startup.failureThreshold }} }
livenessProbe: { httpGet: { path: /healthz, port: http }, periodSeconds: {{ .Values.probes.liveness.periodSeconds }}, failureThreshold: {{ .Values.probes.liveness.failureThreshold }} }
readinessProbe: { httpGet: { path: /readyz, port: http }, periodSeconds: {{ .Values.probes.readiness.periodSeconds }}, failureThreshold: {{ .Values.probes.readiness.failureThreshold }} }
{{- end -}}

{{/* Whole seconds of a duration value (500ms, 30s, 5m, 1h or plain milliseconds), rounded up. */}}
{{- define "amkofed.seconds" -}}
{{- $v := toString . -}}
{{- if hasSuffix "ms" $v -}}{{- div (add (trimSuffix "ms" $v | int) 999) 1000 -}}
{{- else if hasSuffix "s" $v -}}{{- trimSuffix "s" $v | int -}}
{{- else if hasSuffix "m" $v -}}{{- mul (trimSuffix "m" $v | int) 60 -}}
{{- else if hasSuffix "h" $v -}}{{- mul (trimSuffix "h" $v | int) 3600 -}}
{{- else -}}{{- div (add ($v | int) 999) 1000 -}}
{{- end -}}
{{- end -}}

{{/* The bundled Redis' configuration (the password comes in through the included auth.conf). */}}
{{- define "amkofed.redisConf" -}}
appendonly yes
appendfsync everysec
port 6379
maxmemory {{ .Values.redis.bundled.maxmemory }}
maxmemory-policy noeviction
dir /data
protected-mode no
include /run/redis-auth/auth.conf
{{- end -}}
