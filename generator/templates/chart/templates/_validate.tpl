{{/*
Helpers of templates/validate.yaml: the checks that need merged values or words JSON schema cannot
print. Each fails with the key, what is wrong and how to fix it.
*/}}

{{/*
A quantity ("250m", "1Gi", "1.5", 2, "3e9") in base units (cores or bytes), as a float. The schema
has already checked the format. Call with the quantity.
*/}}
{{- define "squash-tm.validate.quantity" -}}
{{- $text := toString . }}
{{- $number := regexFind "^[0-9.]+" $text }}
{{- $suffix := trimPrefix $number $text }}
{{- $factors := dict "" 1.0 "m" 0.001 "Ki" 1024.0 "Mi" 1048576.0 "Gi" 1073741824.0 "Ti" 1099511627776.0 "Pi" 1125899906842624.0 "Ei" 1152921504606846976.0 "k" 1e3 "M" 1e6 "G" 1e9 "T" 1e12 "P" 1e15 "E" 1e18 }}
{{- $value := float64 $number }}
{{- if hasKey $factors $suffix }}
{{- $value = mulf $value (get $factors $suffix) }}
{{- else }}
{{- $exponent := atoi (substr 1 -1 $suffix) }}
{{- range until (ternary $exponent (mul -1 $exponent) (ge $exponent 0) | int) }}
{{- $value = ternary (mulf $value 10.0) (divf $value 10.0) (gt $exponent 0) }}
{{- end }}
{{- end }}
{{- $value }}
{{- end }}

{{/*
Requests above limits, after Helm has merged the user's values with the defaults: the API server
refuses such a pod. Call with (dict "key" "squash.resources" "resources" .Values.squash.resources "defaults" <default requests>).
*/}}
{{- define "squash-tm.validate.requestsWithinLimits" -}}
{{- $requests := .resources.requests | default dict }}
{{- $limits := .resources.limits | default dict }}
{{- range $resource := list "cpu" "memory" "ephemeral-storage" }}
{{- $request := get $requests $resource }}
{{- $limit := get $limits $resource }}
{{- if and (not (kindIs "invalid" $request)) (not (kindIs "invalid" $limit)) (ne (toString $request) "") (ne (toString $limit) "") }}
{{- if gt (include "squash-tm.validate.quantity" $request | float64) (include "squash-tm.validate.quantity" $limit | float64) }}
{{- fail (printf "%s.requests.%s %v is above %s.limits.%s %v (Helm merges your values with the chart's defaults, so one of the two may be a default): the API server refuses a request above its limit. Set %s.requests.%s to at most %v, or raise the limit." $.key $resource $request $.key $resource $limit $.key $resource $limit) }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}

{{/*
A host name that no resolver can answer: a label longer than 63 characters or a name longer than
253. Call with (dict "key" "externalDatabase.host" "name" $name).
*/}}
{{- define "squash-tm.validate.dnsName" -}}
{{- if gt (len .name) 253 }}
{{- fail (printf "%s %q is %d characters long: a DNS name has at most 253. Use a shorter name." .key .name (len .name)) }}
{{- end }}
{{- range splitList "." .name }}
{{- if gt (len .) 63 }}
{{- fail (printf "%s %q has a part of %d characters (%q): DNS allows at most 63 between two dots, so the name cannot resolve. Use a shorter name." $.key $.name (len .) .) }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Object and key names the chart writes into manifests without quotes: a word YAML reads as a boolean,
null or number ("true", "no", "on", "null", "1e3", "0x1f") would reach the API server as that type.
Call with (dict "key" "auth.existingSecret" "value" $value).
*/}}
{{- define "squash-tm.validate.yamlString" -}}
{{- if regexMatch "^(?i:y|n|yes|no|true|false|on|off|null|~|[-+]?[0-9][0-9_]*|0x[0-9a-f_]+|0o?[0-7_]+|0b[01_]+|[-+]?([0-9][0-9_]*(\\.[0-9_]*)?|\\.[0-9_]+)(e[-+]?[0-9]+)?)$" (toString .value) }}
{{- fail (printf "%s %q is a word YAML reads as a boolean, null or number, not as a name, so the object would not be what you wrote. Choose another name (e.g. %q)." .key (toString .value) (printf "%s-1" (toString .value) | trimPrefix "+" | trimPrefix "-")) }}
{{- end }}
{{- end }}
