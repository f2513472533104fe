{{/*
The `from` list of Squash TM's NetworkPolicy rule, or nothing when any source is admitted (what a
NodePort or LoadBalancer Service needs: their traffic arrives from node addresses, which no pod or
namespace selector matches). Otherwise: the chart's test pods, the HTTPRoute's gateway, extraPeers.
*/}}
{{- define "squash-tm.squash.policyFrom" -}}
{{- $sources := .Values.networkPolicy.squash }}
{{- if not $sources.anySource -}}
from:
  # The chart's own test pods (helm test).
  - podSelector:
      matchLabels:
        {{- include "squash-tm.selectorLabels" (dict "context" . "component" "test") | nindent 8 }}
  {{- if .Values.squash.httpRoute.enabled }}
  {{- $gateway := $sources.gateway }}
  {{- $namespaceSelectors := list $gateway.namespaceSelector }}
  {{- if not $gateway.namespaceSelector }}
  {{- /* By default, the namespaces of the Gateways the route attaches to. */}}
  {{- $namespaceSelectors = list }}
  {{- $namespaces := list }}
  {{- range .Values.squash.httpRoute.parentRefs }}
  {{- $namespaces = append $namespaces (.namespace | default $.Release.Namespace) }}
  {{- end }}
  {{- range $namespaces | uniq | sortAlpha }}
  {{- $namespaceSelectors = append $namespaceSelectors (dict "kubernetes.io/metadata.name" .) }}
  {{- end }}
  {{- end }}
  {{- range $namespaceSelectors }}
  # The gateway's proxy pods.
  - namespaceSelector:
      matchLabels:
        {{- toYaml . | nindent 8 }}
    {{- with $gateway.podSelector }}
    podSelector:
      matchLabels:
        {{- toYaml . | nindent 8 }}
    {{- end }}
  {{- end }}
  {{- end }}
  {{- with $sources.extraPeers }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- end }}
{{- end }}
