//go:build tools

// Package tools pins kubeconform: `go build github.com/yannh/kubeconform/cmd/kubeconform`.
package tools

import (
	_ "github.com/yannh/kubeconform/cmd/kubeconform"
)
