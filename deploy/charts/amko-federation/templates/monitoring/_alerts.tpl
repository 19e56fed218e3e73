{{/*
The alerts, over the metrics apps/watcher/src/http/metrics.ts and apps/replicator/src/metrics/metrics.ts
export. Rendered into the PrometheusRule; test/deploy/chart-alerts.int.spec.ts checks them with promtool.
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
        # Waiting, delayed (retrying) or failed jobs on a follower queue the whole time: the follower
        # does not hold the leader's objects. max(): every replicator reports the same shared queue.
        expr: max by (namespace, cluster) (amko_fed_replicator_queue_depth{ {{- $ns }}, state=~"waiting|delayed|prioritized|failed"}) > 0
        for: {{ $p.notInSyncFor }}
        labels: { severity: warning }
        annotations:
          summary: 'Follower {{ "{{" }} $labels.cluster {{ "}}" }} not in sync for {{ $p.notInSyncFor }}'
          description: '{{ "{{" }} $value {{ "}}" }} jobs for follower {{ "{{" }} $labels.cluster {{ "}}" }} have been waiting, retrying or failed for {{ $p.notInSyncFor }}.'
          runbook: 'Run `amko-fed --context <leader> status` for the failing objects and their errors; check the follower API server is reachable from the replicator and that the member kubeconfig is valid; `amko-fed replay --cluster {{ "{{" }} $labels.cluster {{ "}}" }}` once fixed.'
          runbook_url: '{{ $rb }}#amkofedfollowernotinsync'
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
      - alert: AmkoFedMemberInvalid
        # The federation condition fails: a member failed validation (unreachable, bad kubeconfig,
        # no AMKOCluster, or another leader), so the AMKOCluster status reports it.
        expr: max by (namespace, cluster) (amko_fed_watcher_member_valid{ {{- $ns }}}) == 0
        for: {{ $p.memberInvalidFor }}
        labels: { severity: critical }
        annotations:
          summary: 'Member {{ "{{" }} $labels.cluster {{ "}}" }} fails validation'
          description: 'The leader watcher has found member {{ "{{" }} $labels.cluster {{ "}}" }} invalid for {{ $p.memberInvalidFor }}; nothing is federated to it.'
          runbook: 'kubectl -n {{ .Release.Namespace }} get amkocluster -o yaml on the leader shows the failing condition and its reason; check the member is reachable, its gslb-config-secret entry (amko-fed member-kubeconfig) and that its AMKOCluster has isLeader false.'
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
        # The replicators answer scrapes but cannot read any queue from Redis (queue depth is read on
        # scrape and left out when Redis does not answer), while the watcher knows valid members.
        expr: (max by (namespace) (amko_fed_watcher_member_valid{ {{- $ns }}}) == 1) unless on (namespace) (count by (namespace) (amko_fed_replicator_queue_depth{ {{- $ns }}}) > 0)
        for: {{ $p.redisUnreachableFor }}
        labels: { severity: critical }
        annotations:
          summary: 'amko-federation cannot reach Redis in {{ "{{" }} $labels.namespace {{ "}}" }}'
          description: 'No follower queue could be read from Redis for {{ $p.redisUnreachableFor }}; nothing is replicated.'
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
{{- end -}}
