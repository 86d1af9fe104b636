{{/*
NetworkPolicy building blocks. Every lab namespace denies ingress by default (the
umbrella chart's templates/networkpolicy.yaml); each component admits exactly the
flows the wiring needs.
*/}}

{{/* Whether NetworkPolicies render (global.networkPolicies.enabled, on unless false). */}}
{{- define "olympic-common.networkPoliciesOn" -}}
{{- $np := .Values.global.networkPolicies | default dict -}}
{{- if ne (toString $np.enabled) "false" }}true{{ end -}}
{{- end -}}

{{/*
A peer: the pods of a lab component in the observability namespace.
Usage: {{- include "olympic-common.componentPeer" (dict "ctx" . "name" "grafana") | nindent 8 }}
*/}}
{{- define "olympic-common.componentPeer" -}}
- namespaceSelector:
    matchLabels:
      kubernetes.io/metadata.name: {{ include "olympic-common.observabilityNamespace" .ctx | quote }}
  podSelector:
    matchLabels:
      {{- include "olympic-common.selectorLabels" (dict "ctx" .ctx "name" .name) | nindent 6 }}
{{- end -}}

{{/*
An ingress rule on one port from some components; "exposed" true admits any source
(a UI reached through a NodePort or LoadBalancer: the load balancer's source ranges
and the UI's login guard it). Renders nothing when nobody may connect.
Usage: {{- include "olympic-common.ingressRule" (dict "ctx" . "port" 9090 "from" (list "grafana") "exposed" false) | nindent 4 }}
*/}}
{{- define "olympic-common.ingressRule" -}}
{{- if or .exposed .from -}}
- ports:
    - port: {{ .port | int }}
      protocol: TCP
  {{- if not .exposed }}
  from:
    {{- range .from }}
    {{- include "olympic-common.componentPeer" (dict "ctx" $.ctx "name" .) | nindent 4 }}
    {{- end }}
  {{- end }}
{{- end -}}
{{- end -}}

{{/* Whether the UIs are reached from outside the cluster (nodePort or loadBalancer). */}}
{{- define "olympic-common.exposed" -}}
{{- $expose := .Values.global.expose | default dict -}}
{{- if ne ($expose.mode | default "clusterIP") "clusterIP" }}true{{ end -}}
{{- end -}}

{{/*
The metadata and pod selector of a component's NetworkPolicy.
Usage: {{ include "olympic-common.networkPolicyHead" (dict "ctx" . "name" "grafana") }}
*/}}
{{- define "olympic-common.networkPolicyHead" -}}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ .name | quote }}
  namespace: {{ include "olympic-common.observabilityNamespace" .ctx | quote }}
  labels:
    {{- include "olympic-common.labels" (dict "ctx" .ctx "name" .name) | nindent 4 }}
spec:
  podSelector:
    matchLabels:
      {{- include "olympic-common.selectorLabels" (dict "ctx" .ctx "name" .name) | nindent 6 }}
  policyTypes: [Ingress]
{{- end -}}
