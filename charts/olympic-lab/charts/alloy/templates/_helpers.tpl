{{/*
Named templates of the alloy chart. Labels and the namespace come from the
olympic-common library chart.
*/}}

{{/* Labels of every alloy resource. */}}
{{- define "alloy.labels" -}}
{{ include "olympic-common.labels" (dict "ctx" . "name" "alloy") }}
{{- end -}}

{{/* Selector labels (stable across upgrades). */}}
{{- define "alloy.selectorLabels" -}}
{{ include "olympic-common.selectorLabels" (dict "ctx" . "name" "alloy") }}
{{- end -}}

{{/* The image reference. */}}
{{- define "alloy.image" -}}
{{ include "olympic-common.image" .Values.image }}
{{- end -}}

{{/* Alloy's own HTTP server (UI, /metrics, /-/ready). */}}
{{- define "alloy.port.http" -}}12345{{- end -}}

{{/* Loki's push endpoint, built from values. */}}
{{- define "alloy.lokiPushUrl" -}}
{{- printf "http://%s.%s:%d/loki/api/v1/push" .Values.loki.serviceName (include "olympic-common.observabilityNamespace" .) (.Values.loki.port | int) -}}
{{- end -}}

{{/* Prometheus-style sanitised name of a pod label (__meta_kubernetes_pod_label_<name>). */}}
{{- define "alloy.podLabelMeta" -}}
__meta_kubernetes_pod_label_{{ regexReplaceAll "[^a-zA-Z0-9_]" . "_" }}
{{- end -}}
