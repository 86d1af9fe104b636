{{/*
Fixed name of every Prometheus resource (the addon's names: Grafana and Kiali
reach it as http://prometheus:9090).
*/}}
{{- define "prometheus.name" -}}
prometheus
{{- end -}}

{{/*
Labels of Prometheus resources.
*/}}
{{- define "prometheus.labels" -}}
{{ include "olympic-common.labels" (dict "ctx" . "name" (include "prometheus.name" .)) }}
{{- end -}}

{{/*
Selector labels (stable across upgrades).
*/}}
{{- define "prometheus.selectorLabels" -}}
{{ include "olympic-common.selectorLabels" (dict "ctx" . "name" (include "prometheus.name" .)) }}
{{- end -}}

{{/*
HTTP client settings for the Kubernetes API (in-cluster service account).
*/}}
{{- define "prometheus.apiServerAuth" -}}
scheme: https
tls_config:
  ca_file: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt
authorization:
  credentials_file: /var/run/secrets/kubernetes.io/serviceaccount/token
{{- end -}}

{{/*
HTTP client settings for the kubelets: the service account's token, and no CA check
(kubelet serving certificates are self-signed on most clusters, OKE included).
*/}}
{{- define "prometheus.kubeletAuth" -}}
scheme: https
tls_config:
  insecure_skip_verify: true
authorization:
  credentials_file: /var/run/secrets/kubernetes.io/serviceaccount/token
{{- end -}}

{{/*
Relabelling shared by kubernetes-service-endpoints and its -slow twin: scheme,
path and port from the Service's prometheus.io/* annotations, the Service's
labels, and kubernetes_namespace / kubernetes_name / kubernetes_node.
*/}}
{{- define "prometheus.serviceEndpointsRelabel" -}}
- source_labels: [__meta_kubernetes_service_annotation_prometheus_io_scheme]
  regex: (https?)
  target_label: __scheme__
- source_labels: [__meta_kubernetes_service_annotation_prometheus_io_path]
  regex: (.+)
  target_label: __metrics_path__
- source_labels: [__address__, __meta_kubernetes_service_annotation_prometheus_io_port]
  regex: (.+?)(?::\d+)?;(\d+)
  replacement: $1:$2
  target_label: __address__
- action: labelmap
  regex: __meta_kubernetes_service_label_(.+)
- source_labels: [__meta_kubernetes_namespace]
  target_label: kubernetes_namespace
- source_labels: [__meta_kubernetes_service_name]
  target_label: kubernetes_name
- source_labels: [__meta_kubernetes_pod_node_name]
  target_label: kubernetes_node
{{- end -}}

{{/*
Relabelling shared by kubernetes-pods and its -slow twin: scheme, path and port
from the pod's prometheus.io/* annotations (Istio's injector sets port 15020 and
path /stats/prometheus for Envoy's merged metrics), the pod's labels,
kubernetes_namespace / kubernetes_pod_name, and no finished or pending pods.
*/}}
{{- define "prometheus.podsRelabel" -}}
- source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_scheme]
  regex: (https?)
  target_label: __scheme__
- source_labels: [__meta_kubernetes_pod_annotation_prometheus_io_path]
  regex: (.+)
  target_label: __metrics_path__
- source_labels: [__address__, __meta_kubernetes_pod_annotation_prometheus_io_port]
  regex: (.+?)(?::\d+)?;(\d+)
  replacement: $1:$2
  target_label: __address__
- action: labelmap
  regex: __meta_kubernetes_pod_label_(.+)
- source_labels: [__meta_kubernetes_namespace]
  target_label: kubernetes_namespace
- source_labels: [__meta_kubernetes_pod_name]
  target_label: kubernetes_pod_name
- source_labels: [__meta_kubernetes_pod_phase]
  regex: Pending|Succeeded|Failed|Completed
  action: drop
{{- end -}}
