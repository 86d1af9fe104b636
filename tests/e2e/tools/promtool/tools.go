//go:build tools

// Package tools pins promtool: `go build github.com/prometheus/prometheus/cmd/promtool`.
package tools

import (
	_ "github.com/prometheus/prometheus/cmd/promtool"
)
