{{/*
The alerts, over the metrics apps/watcher/src/http/metrics.ts, apps/replicator/src/metrics/metrics.ts
and libs/service/src/workload-metrics.ts (the names both workloads share) export. Rendered into the PrometheusRule; test/deploy/chart-alerts.int.spec.ts checks them with promtool.
Every selector is scoped to the release namespace (the `namespace` label Prometheus Operator adds).
*/}}
{{- define "amkofed.alertRules" -}}
{{- $p := .Values.monitoring.prometheusRule -}}
{{- $ns := printf "namespace=%q" .Release.Namespace -}}
{{- $rb := $p.runbookBaseUrl -}}
groups:
  - name: amko-federation
    rules:
      - alert: AmkoFedFollowerNotInSync
        # The leader's objects the follower does not hold yet (pending) or whose last apply failed, as
        # amko-fed status counts them; only the leading watcher reports (max by state: one value even
        # while a Lease handover leaves two replicas' series for a scrape).
        expr: sum by (namespace, cluster) (max by (namespace, cluster, state) (amko_fed_watcher_follower_objects{ {{- $ns }}, state!="in_sync"})) > 0
        for: {{ $p.notInSyncFor }}
        labels: { severity: warning }
        annotations:
          summary: 'Follower {{ "{{" }} $labels.cluster {{ "}}" }} not in sync for {{ $p.notInSyncFor }}'
          description: 'Follower {{ "{{" }} $labels.cluster {{ "}}" }} has had objects pending or failed for {{ $p.notInSyncFor }} (now {{ "{{" }} $value {{ "}}" }}).'
          runbook: 'Run `amko-fed --context <leader> status` for the failing objects and their errors; check the follower API server is reachable from the replicator and that the member kubeconfig is valid; `amko-fed replay --cluster {{ "{{" }} $labels.cluster {{ "}}" }}` once fixed.'
          runbook_url: '{{ $rb }}#amkofedfollowernotinsync'
      - alert: AmkoFedFollowerStalled
        # Objects wait for the follower and no apply to it has succeeded for lastApplyStaleAfter. The
        # last successful apply alone says nothing (it ages whenever the leader does not change), so
        # it counts only while objects are pending or failed. max(): per replica, and a restarted
        # replica starts without the series.
        expr: (time() - max by (namespace, cluster) (amko_fed_replicator_last_successful_apply_timestamp_seconds{ {{- $ns }}}) > {{ include "amkofed.durationSeconds" $p.lastApplyStaleAfter }}) and on (namespace, cluster) (sum by (namespace, cluster) (max by (namespace, cluster, state) (amko_fed_watcher_follower_objects{ {{- $ns }}, state!="in_sync"})) > 0)
        # a leader change after a quiet spell is pending for a moment while the last apply is old
        for: 5m
        labels: { severity: critical }
        annotations:
          summary: 'Nothing applied to follower {{ "{{" }} $labels.cluster {{ "}}" }} for {{ $p.lastApplyStaleAfter }} while objects wait'
          description: 'The last successful apply to follower {{ "{{" }} $labels.cluster {{ "}}" }} was {{ "{{" }} $value | humanizeDuration {{ "}}" }} ago, and objects are pending or failed there.'
          runbook: 'The follower is stuck, not slow: `amko-fed --context <leader> status` shows the errors; check the follower API server from a replicator pod, its members-kubeconfig entry and the replicator logs (worker restarts, Redis); `amko-fed replay --cluster {{ "{{" }} $labels.cluster {{ "}}" }}` once fixed.'
          runbook_url: '{{ $rb }}#amkofedfollowerstalled'
      - alert: AmkoFedRetriesExhausted
        # BullMQ's failed state holds jobs that used up their attempts (RETRY_ATTEMPTS).
        expr: max by (namespace, cluster) (amko_fed_replicator_queue_depth{ {{- $ns }}, state="failed"}) > 0
        for: 1m
        labels: { severity: warning }
        annotations:
          summary: 'Jobs for follower {{ "{{" }} $labels.cluster {{ "}}" }} failed for good'
          description: '{{ "{{" }} $value {{ "}}" }} jobs for follower {{ "{{" }} $labels.cluster {{ "}}" }} exhausted their retries.'
          runbook: 'Read the failure reasons on the board (/board) or `amko-fed status`; fix the cause (RBAC on the member, schema rejection, a missing CRD), then `amko-fed replay --cluster {{ "{{" }} $labels.cluster {{ "}}" }}`; the watcher also re-enqueues failed objects on its own, up to RESYNC_INTERVAL apart.'
          runbook_url: '{{ $rb }}#amkofedretriesexhausted'
      - alert: AmkoFedFederationFailing
        # The last apply of some object on the follower failed: the federation condition of the
        # AMKOCluster status reports it (same rules as amko-fed status), whether retries remain or not.
        expr: max by (namespace, cluster) (amko_fed_watcher_follower_objects{ {{- $ns }}, state="failed"}) > 0
        for: {{ $p.federationFailingFor }}
        labels: { severity: critical }
        annotations:
          summary: 'Federation to follower {{ "{{" }} $labels.cluster {{ "}}" }} failing'
          description: '{{ "{{" }} $value {{ "}}" }} objects failed their last apply on follower {{ "{{" }} $labels.cluster {{ "}}" }} for {{ $p.federationFailingFor }}.'
          runbook: '`amko-fed --context <leader> status` and the AMKOCluster federation condition (kubectl -n {{ .Release.Namespace }} get amkocluster -o yaml) name the failing objects and errors; fix the cause (member RBAC, a schema rejection, a missing CRD, an unreachable API server), then `amko-fed replay --cluster {{ "{{" }} $labels.cluster {{ "}}" }}`.'
          runbook_url: '{{ $rb }}#amkofedfederationfailing'
      - alert: AmkoFedFollowerNotListed
        # A kind the watcher's resyncs cannot list on a valid follower: copies of objects the leader
        # deleted cannot be found there, so the kind's Federation condition names the follower.
        expr: max by (namespace, cluster, kind) (amko_fed_watcher_follower_unlisted{ {{- $ns }}}) > 0
        for: {{ $p.federationFailingFor }}
        labels: { severity: warning }
        annotations:
          summary: '{{ "{{" }} $labels.kind {{ "}}" }} cannot be listed on follower {{ "{{" }} $labels.cluster {{ "}}" }}'
          description: 'The watcher has not been able to list {{ "{{" }} $labels.kind {{ "}}" }} objects on follower {{ "{{" }} $labels.cluster {{ "}}" }} for {{ $p.federationFailingFor }}: the leader''s objects are still applied there, but a copy of one the leader deleted would stay unnoticed.'
          runbook: 'The {{ "{{" }} $labels.kind {{ "}}" }} Federation condition (kubectl -n {{ .Release.Namespace }} get amkocluster -o yaml) and the watcher''s "Could not list federated objects on follower" warning give the error; usually the member identity lacks list on that kind in avi-system (apply deploy/member-rbac there, or install the chart there with member.rbac.create=true) or the follower API server fails the list. The condition clears at the next listing that succeeds (within 30 s).'
          runbook_url: '{{ $rb }}#amkofedfollowernotlisted'
      - alert: AmkoFedMemberInvalid
        # The federation condition fails: a member failed validation (unreachable, bad kubeconfig,
        # no AMKOCluster, or another leader), so the AMKOCluster status reports it.
        expr: max by (namespace, cluster) (amko_fed_watcher_member_valid{ {{- $ns }}}) == 0
        for: {{ $p.memberInvalidFor }}
        labels: { severity: critical }
        annotations:
          summary: 'Member {{ "{{" }} $labels.cluster {{ "}}" }} fails validation'
          description: 'The leader watcher has found member {{ "{{" }} $labels.cluster {{ "}}" }} invalid for {{ $p.memberInvalidFor }}; nothing is federated to it.'
          runbook: 'kubectl -n {{ .Release.Namespace }} get amkocluster -o yaml on the leader shows the failing condition and its reason; check the member is reachable, its gslb-config-secret entry (amko-fed member-kubeconfig) and that its AMKOCluster has isLeader false. A reason starting "stale leader" (amko_fed_watcher_stale_leader 1) means another cluster was promoted since: demote this one (amko-fed demote), or promote it again on purpose (amko-fed promote).'
          runbook_url: '{{ $rb }}#amkofedmemberinvalid'
      - alert: AmkoFedRoleInvalid
        expr: max by (namespace) (amko_fed_watcher_role{ {{- $ns }}, role="invalid"}) == 1
        for: {{ $p.memberInvalidFor }}
        labels: { severity: critical }
        annotations:
          summary: 'The AMKOCluster of {{ "{{" }} $labels.namespace {{ "}}" }} is invalid'
          description: 'The watcher holding the Lease finds its AMKOCluster invalid: federation is stopped.'
          runbook: 'kubectl -n {{ .Release.Namespace }} get amkocluster -o yaml: the status names the invalid field (clusterContext, clusters, isLeader); fix the AMKOCluster spec.'
          runbook_url: '{{ $rb }}#amkofedroleinvalid'
      - alert: AmkoFedDualLeader
        # More than one watcher reports the leader role: two Lease holders in one cluster, or, where
        # Prometheus sees several clusters (federation, Thanos), two clusters both marked isLeader.
        expr: sum(amko_fed_watcher_role{ {{- $ns }}, role="leader"}) > 1
        for: 1m
        labels: { severity: critical }
        annotations:
          summary: 'More than one amko-federation leader'
          description: '{{ "{{" }} $value {{ "}}" }} watchers report the leader role.'
          runbook: 'Exactly one AMKOCluster in the federation may have isLeader true: find them with `amko-fed --context <each cluster> status`, then `amko-fed demote` the one that must not lead.'
          runbook_url: '{{ $rb }}#amkofeddualleader'
      - alert: AmkoFedNoLeaseHolder
        # Watchers are scraped but all are standby: none holds the Lease, nobody watches or writes status.
        expr: (max by (namespace) (amko_fed_watcher_role{ {{- $ns }}, role="standby"}) == 1) unless on (namespace) (max by (namespace) (amko_fed_watcher_role{ {{- $ns }}, role!="standby"}) == 1)
        for: {{ $p.noLeaseHolderFor }}
        labels: { severity: critical }
        annotations:
          summary: 'No amko-federation watcher holds the Lease in {{ "{{" }} $labels.namespace {{ "}}" }}'
          description: 'Every watcher replica is standby for {{ $p.noLeaseHolderFor }}: changes on the leader are not captured.'
          runbook: 'kubectl -n {{ .Release.Namespace }} get lease amko-federation-watcher -o yaml (holder, renewTime); the watcher logs say why it cannot acquire it (RBAC on leases, API server timeouts).'
          runbook_url: '{{ $rb }}#amkofednoleaseholder'
      - alert: AmkoFedWatcherDown
        expr: absent(amko_fed_watcher_role{ {{- $ns }}}) == 1
        for: {{ $p.noLeaseHolderFor }}
        labels: { severity: critical }
        annotations:
          summary: 'No amko-federation watcher is scraped in {{ .Release.Namespace }}'
          description: 'No watcher metrics for {{ $p.noLeaseHolderFor }}: no Lease holder, nothing is federated.'
          runbook: 'kubectl -n {{ .Release.Namespace }} get pods -l app.kubernetes.io/part-of=amko-federation; look at the watcher pods events and logs (a configuration error exits with code 2 naming the variable).'
          runbook_url: '{{ $rb }}#amkofedwatcherdown'
      - alert: AmkoFedRedisUnreachable
        # Replicas of a component whose Redis does not answer (amko_fed_redis_up, the readiness
        # check, read on scrape), per component (amko_fed_build_info{component} of the same scrape
        # target: joined on job and instance, which every Prometheus sets).
        expr: count by (namespace, component) ((amko_fed_redis_up{ {{- $ns }}} == 0) * on (job, instance) group_left (component) amko_fed_build_info{ {{- $ns }}}) > 0
        for: {{ $p.redisUnreachableFor }}
        labels: { severity: critical }
        annotations:
          summary: 'The amko-federation {{ "{{" }} $labels.component {{ "}}" }} cannot reach Redis in {{ "{{" }} $labels.namespace {{ "}}" }}'
          description: '{{ "{{" }} $value {{ "}}" }} {{ "{{" }} $labels.component {{ "}}" }} replicas have not reached Redis for {{ $p.redisUnreachableFor }}; what they do is not replicated.'
          runbook: 'Check the Redis pods or your external Redis/Sentinel, the REDIS_URL Secret and the NetworkPolicy egress; /readyz of both workloads lists the redis check. Data loss is recovered by the watcher on its own (see AmkoFedRedisDataLost).'
          runbook_url: '{{ $rb }}#amkofedredisunreachable'
      - alert: AmkoFedRedisDataLost
        expr: increase(amko_fed_watcher_store_losses_total{ {{- $ns }}}[15m]) > 0
        labels: { severity: warning }
        annotations:
          summary: 'Redis lost the federation data in {{ "{{" }} $labels.namespace {{ "}}" }}'
          description: 'The watcher found Redis without the data it knew ({{ "{{" }} $labels.change {{ "}}" }}) and rebuilt it from the leader.'
          runbook: 'Nothing to do for federation (a full resync follows); find out why Redis restarted empty or rolled back: AOF must be on (appendonly yes) and maxmemory-policy noeviction.'
          runbook_url: '{{ $rb }}#amkofedredisdatalost'
      {{- if .Values.watcher.backup.enabled }}
      {{- $b := .Values.watcher.backup }}
      - alert: AmkoFedBackupStale
        # The newest backup any watcher of the namespace wrote and verified (max_over_time over two
        # intervals: a leader that died keeps counting until its backup is stale, and a new leader
        # reads 0 until its first pass, which waits until the newest backup is an interval old) is
        # older than two intervals, while a watcher there leads (only the leader writes backups).
        {{- $stale := mul 2 (include "amkofed.durationSeconds" $b.interval | int64) }}
        expr: (time() - max by (namespace) (max_over_time(amko_fed_watcher_last_successful_backup_timestamp_seconds{ {{- $ns }}}[{{ $stale }}s])) > {{ $stale }}) and on (namespace) (max by (namespace) (amko_fed_watcher_role{ {{- $ns }}, role="leader"}) == 1)
        # a pass that wrote nothing is retried after a minute
        for: 30m
        labels: { severity: warning }
        annotations:
          summary: 'No verified backup of {{ "{{" }} $labels.namespace {{ "}}" }} for two backup intervals'
          description: 'The newest backup a watcher of {{ "{{" }} $labels.namespace {{ "}}" }} wrote and verified is {{ "{{" }} $value | humanizeDuration {{ "}}" }} old (BACKUP_INTERVAL {{ $b.interval }}).'
          runbook: 'Read the leading watcher logs for the failed backup (a 403 on GSLBHostRule: the ServiceAccount needs cluster-wide list on gslbhostrules; a write error: the backup volume is full, read-only or not writable by the pod group); amko_fed_watcher_backup_failures_total counts the failures; `amko-fed backup` takes one by hand meanwhile.'
          runbook_url: '{{ $rb }}#amkofedbackupstale'
      - alert: AmkoFedBackupFailing
        # More than one failed pass within two intervals: a write that keeps failing (retried after a
        # minute), or a retained backup that no longer verifies (reported once per pass, while new
        # backups are still written, so AmkoFedBackupStale stays quiet). One transient failure is not enough.
        expr: sum by (namespace) (increase(amko_fed_watcher_backup_failures_total{ {{- $ns }}}[{{ $stale }}s])) > 1.5
        labels: { severity: warning }
        annotations:
          summary: 'Scheduled backups failing in {{ "{{" }} $labels.namespace {{ "}}" }}'
          description: '{{ "{{" }} $value | humanize {{ "}}" }} backup passes failed in the last two intervals (BACKUP_INTERVAL {{ $b.interval }}).'
          runbook: 'The leading watcher logs a warning per failed pass naming the problem: a write error (volume full, read-only, not writable by the pod group, a 403 on GSLBHostRule) or a retained backup whose files no longer match its manifest.json (the volume changed it: check the storage, and do not restore from that backup).'
          runbook_url: '{{ $rb }}#amkofedbackupfailing'
      {{- end }}
{{- end -}}


{{/* A duration of the chart's form (30s, 5m, 1h; plain digits: milliseconds) in whole seconds, for PromQL arithmetic. */}}
{{- define "amkofed.durationSeconds" -}}
{{- $d := toString . -}}
{{- if hasSuffix "ms" $d }}{{ div (trimSuffix "ms" $d | int64) 1000 }}
{{- else if hasSuffix "s" $d }}{{ trimSuffix "s" $d | int64 }}
{{- else if hasSuffix "m" $d }}{{ mul (trimSuffix "m" $d | int64) 60 }}
{{- else if hasSuffix "h" $d }}{{ mul (trimSuffix "h" $d | int64) 3600 }}
{{- else }}{{ div ($d | int64) 1000 }}
{{- end -}}
{{- end -}}
