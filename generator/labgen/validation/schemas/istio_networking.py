"""networking.istio.io: Gateway, Sidecar, ServiceEntry, WorkloadEntry/Group, EnvoyFilter, ProxyConfig."""

from __future__ import annotations

from .notation import Types

_TLS_VERSION = "(TLS_AUTO|TLSV1_0|TLSV1_1|TLSV1_2|TLSV1_3)"
_CAPTURE = "(DEFAULT|IPTABLES|NONE)"

GATEWAY: Types = {
    "Gateway": {"spec": "GatewaySpec", "status": "IstioStatus"},
    "GatewaySpec": {"servers": "[Server]", "selector": "{str}"},
    "Server": {
        "port": "!Port",
        "bind": "str",
        "hosts": "![str]",
        "tls": "ServerTLSSettings",
        "defaultEndpoint": "str",
        "name": "str",
    },
    "Port": {"number": "!u32", "protocol": "!str", "name": "!str", "targetPort": "u32"},
    "ServerTLSSettings": {
        "httpsRedirect": "bool",
        "mode": "(PASSTHROUGH|SIMPLE|MUTUAL|AUTO_PASSTHROUGH|ISTIO_MUTUAL|OPTIONAL_MUTUAL)",
        "serverCertificate": "str",
        "privateKey": "str",
        "caCertificates": "str",
        "caCrl": "str",
        "credentialName": "str",
        "credentialNames": "[str]",
        "tlsCertificates": "[TLSCertificate]",
        "caCertCredentialName": "str",
        "subjectAltNames": "[str]",
        "verifyCertificateSpki": "[str]",
        "verifyCertificateHash": "[str]",
        "minProtocolVersion": _TLS_VERSION,
        "maxProtocolVersion": _TLS_VERSION,
        "cipherSuites": "[str]",
    },
    "TLSCertificate": {"serverCertificate": "str", "privateKey": "str", "caCertificates": "str"},
}

SIDECAR: Types = {
    "Sidecar": {"spec": "SidecarSpec", "status": "IstioStatus"},
    "SidecarSpec": {
        "workloadSelector": "LabelsSelector",
        "ingress": "[IstioIngressListener]",
        "egress": "[IstioEgressListener]",
        "inboundConnectionPool": "ConnectionPoolSettings",
        "outboundTrafficPolicy": "OutboundTrafficPolicy",
    },
    "IstioIngressListener": {
        "port": "!SidecarPort",
        "bind": "str",
        "captureMode": _CAPTURE,
        "defaultEndpoint": "str",
        "tls": "ServerTLSSettings",
        "connectionPool": "ConnectionPoolSettings",
    },
    "IstioEgressListener": {
        "port": "SidecarPort",
        "bind": "str",
        "captureMode": _CAPTURE,
        "hosts": "![str]",
    },
    "SidecarPort": {"number": "u32", "protocol": "str", "name": "str", "targetPort": "u32"},
    "OutboundTrafficPolicy": {"mode": "(REGISTRY_ONLY|ALLOW_ANY)", "egressProxy": "Destination"},
    # networking.v1alpha3.WorkloadSelector (Sidecar, ServiceEntry, EnvoyFilter): ``labels``.
    "LabelsSelector": {"labels": "{str<=63}"},
}

SERVICE_ENTRY: Types = {
    "ServiceEntry": {"spec": "!ServiceEntrySpec", "status": "IstioStatus"},
    "ServiceEntrySpec": {
        "hosts": "![str]",
        "addresses": "[str<=64]",
        "ports": "[ServicePort]",
        "location": "(MESH_EXTERNAL|MESH_INTERNAL)",
        "resolution": "(NONE|STATIC|DNS|DNS_ROUND_ROBIN|DYNAMIC_DNS)",
        "endpoints": "[WorkloadEntrySpec]",
        "workloadSelector": "LabelsSelector",
        "exportTo": "[str]",
        "subjectAltNames": "[str]",
    },
    "ServicePort": {"number": "!u32", "protocol": "str<=256", "name": "!str<=256",
                    "targetPort": "u32"},
    "WorkloadEntry": {"spec": "!WorkloadEntrySpec", "status": "IstioStatus"},
    "WorkloadEntrySpec": {
        "address": "str<=256",
        "ports": "{u32}",
        "labels": "{str}",
        "network": "str<=2048",
        "locality": "str<=2048",
        "weight": "u32",
        "serviceAccount": "str<=253",
    },
    "WorkloadGroup": {"spec": "!WorkloadGroupSpec", "status": "IstioStatus"},
    "WorkloadGroupSpec": {
        "metadata": "WorkloadGroupMetadata",
        "template": "!WorkloadEntrySpec",
        "probe": "ReadinessProbe",
    },
    "WorkloadGroupMetadata": {"labels": "{str}", "annotations": "{str}"},
    "ReadinessProbe": {
        "initialDelaySeconds": "int>=0",
        "timeoutSeconds": "int>=0",
        "periodSeconds": "int>=0",
        "successThreshold": "int>=0",
        "failureThreshold": "int>=0",
        "httpGet": "HTTPHealthCheckConfig",
        "tcpSocket": "TCPHealthCheckConfig",
        "exec": "ExecHealthCheckConfig",
        "grpc": "GrpcHealthCheckConfig",
        "@oneof": "httpGet tcpSocket exec grpc",
    },
    "HTTPHealthCheckConfig": {
        "path": "str",
        "port": "!u32",
        "host": "str",
        "scheme": "str",
        "httpHeaders": "[HTTPHeader]",
    },
    "HTTPHeader": {"name": "str", "value": "str"},
    "TCPHealthCheckConfig": {"host": "str", "port": "!u32"},
    "ExecHealthCheckConfig": {"command": "![str]"},
    "GrpcHealthCheckConfig": {"port": "u32", "service": "str"},
}

ENVOY_FILTER: Types = {
    "EnvoyFilter": {"spec": "EnvoyFilterSpec", "status": "IstioStatus"},
    "EnvoyFilterSpec": {
        "workloadSelector": "LabelsSelector",
        "targetRefs": "[PolicyTargetReference]",
        "configPatches": "[EnvoyConfigObjectPatch]",
        "priority": "int",
    },
    "EnvoyConfigObjectPatch": {
        "applyTo": "(INVALID|LISTENER|FILTER_CHAIN|NETWORK_FILTER|HTTP_FILTER|ROUTE_CONFIGURATION"
                   "|VIRTUAL_HOST|HTTP_ROUTE|CLUSTER|EXTENSION_CONFIG|BOOTSTRAP|LISTENER_FILTER)",
        "match": "EnvoyConfigObjectMatch",
        "patch": "Patch",
    },
    "EnvoyConfigObjectMatch": {
        "context": "(ANY|SIDECAR_INBOUND|SIDECAR_OUTBOUND|GATEWAY|WAYPOINT)",
        "proxy": "ProxyMatch",
        "listener": "ListenerMatch",
        "routeConfiguration": "RouteConfigurationMatch",
        "cluster": "ClusterMatch",
        "waypoint": "WaypointMatch",
        "@oneof": "listener routeConfiguration cluster waypoint",
    },
    "ProxyMatch": {"proxyVersion": "str", "metadata": "{str}"},
    "ListenerMatch": {
        "portNumber": "u32",
        "filterChain": "FilterChainMatch",
        "listenerFilter": "str",
        "name": "str",
        "portName": "str",
    },
    "FilterChainMatch": {
        "name": "str",
        "sni": "str",
        "transportProtocol": "str",
        "applicationProtocols": "str",
        "filter": "FilterMatch",
        "destinationPort": "u32",
    },
    "FilterMatch": {"name": "str", "subFilter": "NameMatch"},
    "NameMatch": {"name": "str"},
    "RouteConfigurationMatch": {
        "portNumber": "u32",
        "portName": "str",
        "gateway": "str",
        "vhost": "VirtualHostMatch",
        "name": "str",
    },
    "VirtualHostMatch": {"name": "str", "route": "RouteMatch", "domainName": "str"},
    "RouteMatch": {"name": "str", "action": "(ANY|ROUTE|REDIRECT|DIRECT_RESPONSE)"},
    "ClusterMatch": {"portNumber": "u32", "service": "str", "subset": "str", "name": "str"},
    "WaypointMatch": {"filter": "FilterMatch", "route": "NameMatch", "portNumber": "u32"},
    "Patch": {
        "operation": "(INVALID|MERGE|ADD|REMOVE|INSERT_BEFORE|INSERT_AFTER|INSERT_FIRST|REPLACE)",
        "value": "object",
        "filterClass": "(UNSPECIFIED|AUTHN|AUTHZ|STATS)",
    },
    "ProxyConfig": {"spec": "ProxyConfigSpec", "status": "IstioStatus"},
    "ProxyConfigSpec": {
        "selector": "WorkloadSelector",
        "concurrency": "int>=0?",
        "environmentVariables": "{str<=2048}",
        "image": "ProxyImage",
    },
    "ProxyImage": {"imageType": "str"},
}
