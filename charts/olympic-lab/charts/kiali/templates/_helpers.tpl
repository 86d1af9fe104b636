{{/*
Named templates of the kiali chart. Labels and the namespace come from the
olympic-common library chart.
*/}}

{{/* Labels of every kiali resource. */}}
{{- define "kiali.labels" -}}
{{ include "olympic-common.labels" (dict "ctx" . "name" "kiali") }}
{{- end -}}

{{/* Selector labels (stable across upgrades). */}}
{{- define "kiali.selectorLabels" -}}
{{ include "olympic-common.selectorLabels" (dict "ctx" . "name" "kiali") }}
{{- end -}}

{{/* The image reference. */}}
{{- define "kiali.image" -}}
{{ include "olympic-common.image" .Values.image }}
{{- end -}}

{{/* Whether the strategy signs session tokens (every strategy but anonymous). */}}
{{- define "kiali.needsSigningKey" -}}
{{- if ne .Values.auth.strategy "anonymous" }}true{{ end -}}
{{- end -}}

{{/* Fixed ports, named once. */}}
{{- define "kiali.port.api" -}}20001{{- end -}}
{{- define "kiali.port.metrics" -}}9090{{- end -}}

{{/* In-cluster URLs of the services Kiali reads, built from values. */}}
{{- define "kiali.prometheusUrl" -}}
{{- $p := .Values.externalServices.prometheus -}}
{{- printf "http://%s.%s:%d" $p.serviceName (include "olympic-common.observabilityNamespace" .) ($p.port | int) -}}
{{- end -}}

{{- define "kiali.grafanaUrl" -}}
{{- $g := .Values.externalServices.grafana -}}
{{- printf "http://%s.%s:%d" $g.serviceName (include "olympic-common.observabilityNamespace" .) ($g.port | int) -}}
{{- end -}}

{{- define "kiali.tracingUrl" -}}
{{- $t := .Values.externalServices.tracing -}}
{{- printf "http://%s.%s:%d%s" $t.serviceName (include "olympic-common.observabilityNamespace" .) ($t.grpcPort | int) $t.basePath -}}
{{- end -}}

{{/*
Kiali's config.yaml as a dict (rendered with toYaml, so keys are sorted and
strings quoted as YAML needs). Kiali v2: cluster_wide_access replaces the v1
accessible_namespaces list; login_token.signing_key is never written here.
*/}}
{{- define "kiali.config" -}}
{{- $ns := include "olympic-common.observabilityNamespace" . -}}
{{- $es := .Values.externalServices -}}
{{- $config := dict
  "auth" (dict "strategy" .Values.auth.strategy)
  "clustering" (dict "autodetect_secrets" (dict "enabled" false))
  "deployment" (dict
      "cluster_wide_access" true
      "instance_name" "kiali"
      "namespace" $ns
      "view_only_mode" .Values.viewOnlyMode)
  "external_services" (dict
      "custom_dashboards" (dict "enabled" true)
      "istio" (dict "root_namespace" $ns)
      "prometheus" (dict "url" (include "kiali.prometheusUrl" .))
      "grafana" (dict
          "enabled" $es.grafana.enabled
          "internal_url" (include "kiali.grafanaUrl" .)
          "external_url" $es.grafana.externalUrl)
      "tracing" (dict
          "enabled" $es.tracing.enabled
          "provider" "jaeger"
          "internal_url" (include "kiali.tracingUrl" .)
          "use_grpc" true
          "external_url" $es.tracing.externalUrl))
  "istio_namespace" $ns
  "server" (dict
      "port" (include "kiali.port.api" . | int)
      "web_root" "/kiali"
      "observability" (dict "metrics" (dict "enabled" true "port" (include "kiali.port.metrics" . | int))))
-}}
{{- toYaml $config -}}
{{- end -}}

{{/* Whether the signing-key hook Job (and its ServiceAccount, Role, RoleBinding) renders. */}}
{{- define "kiali.generateSigningKey" -}}
{{- if and (include "kiali.needsSigningKey" .) .Values.loginToken.generateSecret.enabled }}true{{ end -}}
{{- end -}}

{{/* Whether the read-only login identity renders (token strategy only). */}}
{{- define "kiali.loginViewer" -}}
{{- if and (eq .Values.auth.strategy "token") .Values.loginViewer.enabled }}true{{ end -}}
{{- end -}}
