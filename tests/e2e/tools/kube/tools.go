//go:build tools

// Package tools pins the Kubernetes binaries the e2e tests build with
// `go build k8s.io/kubernetes/cmd/kube-apiserver`.
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
)
