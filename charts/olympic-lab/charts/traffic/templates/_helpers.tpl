{{/*
Labels of a traffic rule. Usage: {{ include "traffic.labels" (dict "ctx" $ "name" "backend") }}
*/}}
{{- define "traffic.labels" -}}
{{ include "olympic-common.labels" . }}
app.kubernetes.io/component: traffic
{{- end -}}

{{/*
Check the VirtualService values and fail with a clear message when Istio would
reject them or route to a subset that does not exist. labgen checks the same
first; this keeps the chart safe when used alone with helm.
*/}}
{{- define "traffic.checkVirtualService" -}}
{{- $vs := .Values.virtualService -}}
{{- $subsets := .Values.subsets -}}
{{- $known := join ", " $subsets -}}
{{- if and (not $vs.weights) (not $vs.headerMatch) -}}
{{- fail "traffic.virtualService: enabled needs weights (e.g. {v1: 80, v2: 15, v3: 5}) or a headerMatch" -}}
{{- end -}}
{{- $total := 0 -}}
{{- range $subset, $weight := $vs.weights -}}
{{- if not (has $subset $subsets) -}}
{{- fail (printf "traffic.virtualService.weights: subset '%s' is not in traffic.subsets (%s)" $subset $known) -}}
{{- end -}}
{{- $total = add $total $weight -}}
{{- end -}}
{{- if and $vs.weights (ne (int $total) 100) -}}
{{- fail (printf "traffic.virtualService.weights: weights sum to %d, not 100" (int $total)) -}}
{{- end -}}
{{- with $vs.headerMatch -}}
{{- if not (has .subset $subsets) -}}
{{- fail (printf "traffic.virtualService.headerMatch: subset '%s' is not in traffic.subsets (%s)" .subset $known) -}}
{{- end -}}
{{- end -}}
{{- end -}}
