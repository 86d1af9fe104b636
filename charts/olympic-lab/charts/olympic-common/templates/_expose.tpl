{{/*
Service type (and source ranges) of a UI Service from .Values.global.expose.
Usage, inside a Service spec:
  {{- include "olympic-common.exposeType" (dict "ctx" . "service" "grafana") | nindent 2 }}
*/}}
{{- define "olympic-common.exposeType" -}}
{{- $expose := .ctx.Values.global.expose | default dict -}}
{{- $mode := $expose.mode | default "clusterIP" -}}
{{- if eq $mode "nodePort" -}}
type: NodePort
{{- else if eq $mode "loadBalancer" -}}
type: LoadBalancer
{{- with $expose.loadBalancerSourceRanges }}
loadBalancerSourceRanges:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- else -}}
type: ClusterIP
{{- end -}}
{{- end -}}

{{/*
The fixed nodePort line of a UI Service port, or nothing.
Usage, inside a ports item:
  {{- include "olympic-common.nodePort" (dict "ctx" . "service" "grafana") | nindent 6 }}
*/}}
{{- define "olympic-common.nodePort" -}}
{{- $expose := .ctx.Values.global.expose | default dict -}}
{{- if eq ($expose.mode | default "clusterIP") "nodePort" -}}
{{- with (index ($expose.nodePorts | default dict) .service) }}
nodePort: {{ . | int }}
{{- end }}
{{- end -}}
{{- end -}}

{{/*
Annotations of a UI Service (load balancer annotations in loadBalancer mode).
Usage, under metadata:
  {{- include "olympic-common.exposeAnnotations" (dict "ctx" .) | nindent 2 }}
*/}}
{{- define "olympic-common.exposeAnnotations" -}}
{{- $expose := .ctx.Values.global.expose | default dict -}}
{{- if and (eq ($expose.mode | default "clusterIP") "loadBalancer") $expose.loadBalancerAnnotations }}
annotations:
  {{- toYaml $expose.loadBalancerAnnotations | nindent 2 }}
{{- end -}}
{{- end -}}
