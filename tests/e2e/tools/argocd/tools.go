//go:build tools

// Package tools pins Argo CD: `go build github.com/argoproj/argo-cd/v3/cmd`.
package tools

import (
	_ "github.com/argoproj/argo-cd/v3/cmd"
)
