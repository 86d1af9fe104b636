{{/*
Ports the app images listen on (server.port in each app's
microprofile-config.properties). They are facts of the images, not settings:
the frontend calls backend-app:8081 and the backend calls datasource-app:8080.
*/}}
{{- define "olympic-apps.port" -}}
{{- get (dict "frontend-app" 8082 "backend-app" 8081 "datasource-app" 8080) . | int -}}
{{- end -}}

{{/*
The mesh labels of a workload: what Istio telemetry and Kiali read, and the
whole Deployment selector (stable across upgrades: no chart label).
Usage: {{ include "olympic-apps.meshLabels" (dict "app" "backend-app" "version" "v1") }}
*/}}
{{- define "olympic-apps.meshLabels" -}}
app: {{ .app | quote }}
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
Image reference: <image.registry>/<repository>:<image.tag>[@<digest>].
Usage: {{ include "olympic-apps.image" (dict "ctx" $ "repository" "frontend-app" "digest" "") | quote }}
*/}}
{{- define "olympic-apps.image" -}}
{{- include "olympic-common.image" (dict "repository" (printf "%s/%s" (trimSuffix "/" .ctx.Values.image.registry) .repository) "tag" .ctx.Values.image.tag "digest" .digest) -}}
{{- end -}}

{{/*
One probe on the named port "http".
Usage: {{ include "olympic-apps.probe" (dict "probe" .Values.probes.readiness "timeout" .Values.probes.timeoutSeconds) }}
*/}}
{{- define "olympic-apps.probe" -}}
httpGet:
  path: {{ .probe.path | quote }}
  port: http
periodSeconds: {{ .probe.periodSeconds | int }}
timeoutSeconds: {{ .timeout | int }}
failureThreshold: {{ .probe.failureThreshold | int }}
{{- end -}}

{{/*
A Deployment of the sample app.
Usage: {{ include "olympic-apps.deployment" (dict "ctx" $ "name" "backend-app-v1"
  "app" "backend-app" "version" "v1" "replicas" 2 "repository" "backend-app" "digest" ""
  "resources" dict "env" (list (dict "name" "SERVICE_VERSION" "value" "V1"))) }}
*/}}
{{- define "olympic-apps.deployment" -}}
{{- $values := .ctx.Values -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .name | quote }}
  namespace: {{ .ctx.Release.Namespace | quote }}
  labels:
    {{- include "olympic-apps.labels" . | nindent 4 }}
  annotations:
    {{- include "olympic-common.checkovSkips" (dict "images" (list (dict "digest" .digest)) "skips" list) | trim | nindent 4 }}
spec:
  replicas: {{ .replicas | int }}
  selector:
    matchLabels:
      {{- include "olympic-apps.meshLabels" . | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "olympic-apps.podLabels" . | nindent 8 }}
    spec:
      # The app never calls the Kubernetes API (Istio's sidecar has its own token).
      automountServiceAccountToken: false
      {{- with $values.imagePullSecrets }}
      imagePullSecrets:
        {{- range . }}
        - name: {{ . | quote }}
        {{- end }}
      {{- end }}
      {{- with $values.podSecurityContext }}
      securityContext:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      containers:
        - name: {{ .app | quote }}
          image: {{ include "olympic-apps.image" (dict "ctx" .ctx "repository" .repository "digest" .digest) | quote }}
          imagePullPolicy: {{ $values.image.pullPolicy | quote }}
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
          volumeMounts:
            - name: tmp
              mountPath: /tmp
      volumes:
        # The JVM's only writable place (the root filesystem is read-only).
        - name: tmp
          emptyDir: {}
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
  name: {{ .app | quote }}
  namespace: {{ .ctx.Release.Namespace | quote }}
  labels:
    {{- include "olympic-common.labels" (dict "ctx" .ctx "name" .app "version" .ctx.Values.image.tag) | nindent 4 }}
    app.kubernetes.io/component: sample-app
    app: {{ .app | quote }}
spec:
  type: ClusterIP
  selector:
    app: {{ .app | quote }}
  ports:
    - name: http
      port: {{ $port | int }}
      targetPort: http
      protocol: TCP
{{- end -}}

{{/*
Name of the Istio Gateway in front of the frontend.
*/}}
{{- define "olympic-apps.gatewayName" -}}
frontend-gateway
{{- end -}}
