{{/*
Named templates of the jaeger chart. Labels and the namespace come from the
olympic-common library chart.
*/}}

{{/* Labels of every jaeger resource. */}}
{{- define "jaeger.labels" -}}
{{ include "olympic-common.labels" (dict "ctx" . "name" "jaeger") }}
{{- end -}}

{{/* Selector labels (stable across upgrades). */}}
{{- define "jaeger.selectorLabels" -}}
{{ include "olympic-common.selectorLabels" (dict "ctx" . "name" "jaeger") }}
{{- end -}}

{{/* The image reference. */}}
{{- define "jaeger.image" -}}
{{ include "olympic-common.image" .Values.image }}
{{- end -}}

{{/* Istio root namespace of the mesh-wide Telemetry. */}}
{{- define "jaeger.telemetryNamespace" -}}
{{- .Values.telemetry.rootNamespace | default (include "olympic-common.observabilityNamespace" .) -}}
{{- end -}}

{{/* Fixed ports, named once. */}}
{{- define "jaeger.port.queryHttp" -}}16686{{- end -}}
{{- define "jaeger.port.queryGrpc" -}}16685{{- end -}}
{{- define "jaeger.port.zipkin" -}}9411{{- end -}}
{{- define "jaeger.port.otlpGrpc" -}}4317{{- end -}}
{{- define "jaeger.port.otlpHttp" -}}4318{{- end -}}
{{- define "jaeger.port.collectorGrpc" -}}14250{{- end -}}
{{- define "jaeger.port.health" -}}13133{{- end -}}
{{- define "jaeger.port.metrics" -}}8888{{- end -}}
