// Command etcd runs the etcd server from go.etcd.io/etcd/server/v3, the same
// entry point as upstream's etcd binary, so the e2e tests get a real etcd
// built from the pinned module.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
