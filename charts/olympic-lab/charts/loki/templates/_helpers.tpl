{{/*
Named templates of the loki chart. Labels and the namespace come from the
olympic-common library chart.
*/}}

{{/* Labels of every loki resource. */}}
{{- define "loki.labels" -}}
{{ include "olympic-common.labels" (dict "ctx" . "name" "loki") }}
{{- end -}}

{{/* Selector labels (stable across upgrades). */}}
{{- define "loki.selectorLabels" -}}
{{ include "olympic-common.selectorLabels" (dict "ctx" . "name" "loki") }}
{{- end -}}

{{/* The image reference. */}}
{{- define "loki.image" -}}
{{ include "olympic-common.image" .Values.image }}
{{- end -}}

{{/* Fixed ports, named once. */}}
{{- define "loki.port.http" -}}3100{{- end -}}
{{- define "loki.port.grpc" -}}9095{{- end -}}

{{/* Ports of the loki and loki-headless Services. */}}
{{- define "loki.servicePorts" -}}
- name: http-metrics
  port: {{ include "loki.port.http" . }}
  targetPort: http-metrics
  protocol: TCP
- name: grpc
  port: {{ include "loki.port.grpc" . }}
  targetPort: grpc
  protocol: TCP
{{- end -}}
