{{/*
Ports the app images listen on (server.port in each app's
microprofile-config.properties). They are facts of the images, not settings:
the frontend calls backend-app:8081 and the backend calls datasource-app:8080.
*/}}
{{- define "olympic-apps.port" -}}
{{- get (dict "frontend-app" 8082 "backend-app" 8081 "datasource-app" 8080) . -}}
{{- end -}}

{{/*
The mesh labels of a workload: what Istio telemetry and Kiali read, and the
whole Deployment selector (stable across upgrades: no chart label).
Usage: {{ include "olympic-apps.meshLabels" (dict "app" "backend-app" "version" "v1") }}
*/}}
{{- define "olympic-apps.meshLabels" -}}
app: {{ .app }}
version: {{ .version | quote }}
{{- end -}}

{{/*
Labels of a workload's metadata: the standard labels (app.kubernetes.io/version
is the mesh version, so Istio's canonical revision reads the same whichever
label it picks) plus the mesh labels.
Usage: {{ include "olympic-apps.labels" (dict "ctx" $ "app" "backend-app" "version" "v1") }}
*/}}
{{- define "olympic-apps.labels" -}}
{{ include "olympic-common.labels" (dict "ctx" .ctx "name" .app "version" .version) }}
app.kubernetes.io/component: sample-app
{{ include "olympic-apps.meshLabels" . }}
{{- end -}}

{{/*
Pod template labels: mesh labels plus the stable standard labels (no chart
label, so a chart upgrade alone does not roll the pods).
*/}}
{{- define "olympic-apps.podLabels" -}}
{{ include "olympic-common.selectorLabels" (dict "ctx" .ctx "name" .app) }}
app.kubernetes.io/version: {{ .version | quote }}
app.kubernetes.io/part-of: olympic-lab
{{ include "olympic-apps.meshLabels" . }}
{{- end -}}

{{/*
Image reference: <image.registry>/<repository>:<image.tag>.
Usage: {{ include "olympic-apps.image" (dict "ctx" $ "repository" "frontend-app") }}
*/}}
{{- define "olympic-apps.image" -}}
{{- printf "%s/%s:%s" (trimSuffix "/" .ctx.Values.image.registry) .repository .ctx.Values.image.tag -}}
{{- end -}}

{{/*
One probe on the named port "http".
Usage: {{ include "olympic-apps.probe" (dict "probe" .Values.probes.readiness "timeout" .Values.probes.timeoutSeconds) }}
*/}}
{{- define "olympic-apps.probe" -}}
httpGet:
  path: {{ .probe.path }}
  port: http
periodSeconds: {{ .probe.periodSeconds }}
timeoutSeconds: {{ .timeout }}
failureThreshold: {{ .probe.failureThreshold }}
{{- end -}}

{{/*
A Deployment of the sample app.
Usage: {{ include "olympic-apps.deployment" (dict "ctx" $ "name" "backend-app-v1"
  "app" "backend-app" "version" "v1" "replicas" 2 "repository" "backend-app"
  "resources" dict "env" (list (dict "name" "SERVICE_VERSION" "value" "V1"))) }}
*/}}
{{- define "olympic-apps.deployment" -}}
{{- $values := .ctx.Values -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .name }}
  namespace: {{ .ctx.Release.Namespace | quote }}
  labels:
    {{- include "olympic-apps.labels" . | nindent 4 }}
spec:
  replicas: {{ .replicas }}
  selector:
    matchLabels:
      {{- include "olympic-apps.meshLabels" . | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "olympic-apps.podLabels" . | nindent 8 }}
    spec:
      {{- with $values.imagePullSecrets }}
      imagePullSecrets:
        {{- range . }}
        - name: {{ . }}
        {{- end }}
      {{- end }}
      {{- with $values.podSecurityContext }}
      securityContext:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      containers:
        - name: {{ .app }}
          image: {{ include "olympic-apps.image" (dict "ctx" .ctx "repository" .repository) | quote }}
          imagePullPolicy: {{ $values.image.pullPolicy }}
          ports:
            # Named http: Istio selects the protocol from the port name.
            - name: http
              containerPort: {{ include "olympic-apps.port" .app }}
              protocol: TCP
          {{- with .env }}
          env:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          {{- if $values.probes.enabled }}
          startupProbe:
            {{- include "olympic-apps.probe" (dict "probe" $values.probes.startup "timeout" $values.probes.timeoutSeconds) | nindent 12 }}
          readinessProbe:
            {{- include "olympic-apps.probe" (dict "probe" $values.probes.readiness "timeout" $values.probes.timeoutSeconds) | nindent 12 }}
          livenessProbe:
            {{- include "olympic-apps.probe" (dict "probe" $values.probes.liveness "timeout" $values.probes.timeoutSeconds) | nindent 12 }}
          {{- end }}
          {{- with (.resources | default $values.resources) }}
          resources:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          {{- with $values.securityContext }}
          securityContext:
            {{- toYaml . | nindent 12 }}
          {{- end }}
{{- end -}}

{{/*
A ClusterIP Service on port "http" selecting every pod of an app (all versions).
Usage: {{ include "olympic-apps.service" (dict "ctx" $ "app" "backend-app") }}
*/}}
{{- define "olympic-apps.service" -}}
{{- $port := include "olympic-apps.port" .app -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ .app }}
  namespace: {{ .ctx.Release.Namespace | quote }}
  labels:
    {{- include "olympic-common.labels" (dict "ctx" .ctx "name" .app "version" .ctx.Values.image.tag) | nindent 4 }}
    app.kubernetes.io/component: sample-app
    app: {{ .app }}
spec:
  type: ClusterIP
  selector:
    app: {{ .app }}
  ports:
    - name: http
      port: {{ $port }}
      targetPort: http
      protocol: TCP
{{- end -}}

{{/*
Name of the Istio Gateway in front of the frontend.
*/}}
{{- define "olympic-apps.gatewayName" -}}
frontend-gateway
{{- end -}}
