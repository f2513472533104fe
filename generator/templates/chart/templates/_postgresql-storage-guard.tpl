{{/*
Refuses, before anything is applied, a change to the PostgreSQL claim or to its static hostPath
volume that the cluster cannot make.
A bound claim's class, access modes and volume are immutable, its size can only grow, and only on
a StorageClass with allowVolumeExpansion; a static hostPath volume cannot grow at all, and its
directory and node affinity cannot change once set. Without this, `helm upgrade` fails half-applied
(in hostPath mode the PV is resized and the claim is not; the other objects are applied and the PV
is not). Reads the live claim (and, for a growth, its StorageClass) and the live PV with `lookup`:
under `helm template` and GitOps tools there is nothing live and nothing is checked.
*/}}
{{- define "squash-tm.postgresql.storageGuard" -}}
{{- $persistence := .Values.postgresql.persistence }}
{{- $name := include "squash-tm.pvcName" . }}
{{- $live := lookup "v1" "PersistentVolumeClaim" .Release.Namespace $name }}
{{- if and $live $live.spec }}
{{- $move := "move the data to a new claim (chart README, helm show readme, section \"Changing the PostgreSQL volume\": back up, point the release at a new claim, restore)" }}
{{- $procedure := printf "Set the value back to what the claim %s has, or %s." $name $move }}
{{- $liveClass := $live.spec.storageClassName | default "" }}
{{- if and (or $persistence.storageClass $persistence.hostPath.enabled) (ne $persistence.storageClass $liveClass) }}
{{- fail (printf "postgresql.persistence.storageClass is %q but the live claim has class %q: a claim's storage class is immutable. %s" $persistence.storageClass $liveClass $procedure) }}
{{- end }}
{{- if ne (sortAlpha $live.spec.accessModes | toJson) (sortAlpha $persistence.accessModes | toJson) }}
{{- fail (printf "postgresql.persistence.accessModes is %s but the live claim has %s: a claim's access modes are immutable. %s" (toJson $persistence.accessModes) (toJson $live.spec.accessModes) $procedure) }}
{{- end }}
{{- if and $persistence.hostPath.enabled $live.spec.volumeName (ne $live.spec.volumeName (include "squash-tm.pvName" .)) }}
{{- fail (printf "postgresql.persistence.hostPath.enabled binds the claim to volume %s but the live claim is bound to %s: a claim's volume is immutable. %s" (include "squash-tm.pvName" .) $live.spec.volumeName $procedure) }}
{{- end }}
{{- $liveSize := dig "resources" "requests" "storage" "" $live.spec | toString }}
{{- if $liveSize }}
{{- $wanted := include "squash-tm.quantityMiB" (dict "key" "postgresql.persistence.size" "value" $persistence.size) | int }}
{{- $has := include "squash-tm.quantityMiB" (dict "key" (printf "the live claim %s's size" $name) "value" $liveSize) | int }}
{{- if lt $wanted $has }}
{{- fail (printf "postgresql.persistence.size is %s but the live claim has %s: a claim cannot shrink. %s" $persistence.size $liveSize $procedure) }}
{{- else if and (gt $wanted $has) $persistence.hostPath.enabled }}
{{- fail (printf "postgresql.persistence.size is %s but the live claim has %s: a static hostPath volume cannot grow (the PV would change and the claim would not). %s" $persistence.size $liveSize $procedure) }}
{{- else if gt $wanted $has }}
{{- $class := lookup "storage.k8s.io/v1" "StorageClass" "" $liveClass }}
{{- if not (and $class $class.allowVolumeExpansion) }}
{{- fail (printf "postgresql.persistence.size is %s but the live claim has %s, and its StorageClass %q does not allow volume expansion (allowVolumeExpansion): the claim cannot grow. Set the size back to %s, have the class allow expansion, or %s." $persistence.size $liveSize $liveClass $liveSize $move) }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- if $persistence.hostPath.enabled }}
{{- $pvName := include "squash-tm.pvName" . }}
{{- $livePV := lookup "v1" "PersistentVolume" "" $pvName }}
{{- $livePath := dig "spec" "hostPath" "path" "" $livePV }}
{{- $path := include "squash-tm.postgresql.hostPathDir" . }}
{{- $pvFix := printf "Set it back to what the PV %s has, or %s." $pvName "move the data to a new volume (chart README, helm show readme, section \"Changing the PostgreSQL volume\")" }}
{{- if and $livePath (ne $livePath $path) }}
{{- fail (printf "postgresql.persistence.hostPath.path makes the directory %q but the live PV %s uses %q: a PV's volume source is immutable, and the upgrade would fail half-way. %s" $path $pvName $livePath $pvFix) }}
{{- end }}
{{- $liveAffinity := dig "spec" "nodeAffinity" (dict) $livePV }}
{{- with $persistence.hostPath.nodeName }}
{{- if and $liveAffinity (ne (toJson $liveAffinity) (include "squash-tm.postgresql.hostnameAffinity" . | fromYaml | toJson)) }}
{{- fail (printf "postgresql.persistence.hostPath.nodeName is %q but the live PV %s is pinned to %s: a PV's node affinity cannot change once set, and the upgrade would fail half-way (the directory is on that node). Set it back, or empty (the chart keeps the live pin), or %s" . $pvName (include "squash-tm.postgresql.pinnedHosts" $liveAffinity) "move the data to a new volume (chart README, helm show readme, section \"Changing the PostgreSQL volume\")." ) }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}

{{/* The static PV's directory on the node. */}}
{{- define "squash-tm.postgresql.hostPathDir" -}}
{{- .Values.postgresql.persistence.hostPath.path | default (printf "/data/%s" (include "squash-tm.pvName" .)) }}
{{- end }}

{{/* A PV node affinity to the node whose kubernetes.io/hostname label is the argument. */}}
{{- define "squash-tm.postgresql.hostnameAffinity" -}}
required:
  nodeSelectorTerms:
    - matchExpressions:
        - key: kubernetes.io/hostname
          operator: In
          values: [{{ . | quote }}]
{{- end }}

{{/* A live PV node affinity in words: the hostnames it allows, or the affinity itself. */}}
{{- define "squash-tm.postgresql.pinnedHosts" -}}
{{- $hosts := list }}
{{- range (dig "required" "nodeSelectorTerms" (list) .) }}
{{- range (.matchExpressions | default list) }}
{{- if and (eq .key "kubernetes.io/hostname") (eq .operator "In") }}
{{- $hosts = concat $hosts .values }}
{{- end }}
{{- end }}
{{- end }}
{{- if $hosts }}kubernetes.io/hostname {{ $hosts | toJson }}{{ else }}{{ toJson . }}{{ end }}
{{- end }}