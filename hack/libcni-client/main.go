// libcni-client: a tiny runtime built on Go's libcni, so tests can drive our plugins the way a
// real runtime (containerd, CRI-O, podman) does: add|check|del CONFLIST NETNS.
//
// Build offline against Debian's golang-github-appc-cni-dev (see test/libcni.bats):
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go build -o libcni-client ./hack/libcni-client
//
// Environment: CNI_PATH (plugin dirs), CNI_CACHE_DIR (libcni cache, default /var/lib/cni),
// CNI_CONTAINERID (default derived from the netns path), CNI_IFNAME (default eth0).
package main

import (
	"context"
	"crypto/sha512"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/containernetworking/cni/libcni"
	"github.com/containernetworking/cni/pkg/types"
)

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintf(os.Stderr, "usage: %s add|check|del CONFLIST NETNS\n", filepath.Base(os.Args[0]))
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2], os.Args[3]); err != nil {
		fmt.Fprintln(os.Stderr, err)
		// The plugin's own CNI error, when libcni passed one up, so tests can check its code.
		var cniErr *types.Error
		if errors.As(err, &cniErr) {
			fmt.Fprintf(os.Stderr, "code=%d\n", cniErr.Code)
		}
		os.Exit(1)
	}
}

func run(cmd, confFile, netns string) error {
	list, err := libcni.ConfListFromFile(confFile)
	if err != nil {
		return err
	}
	id := os.Getenv("CNI_CONTAINERID")
	if id == "" {
		s := sha512.Sum512([]byte(netns))
		id = fmt.Sprintf("libcni-%x", s[:10])
	}
	ifname := os.Getenv("CNI_IFNAME")
	if ifname == "" {
		ifname = "eth0"
	}
	rt := &libcni.RuntimeConf{ContainerID: id, NetNS: netns, IfName: ifname}
	if caps := os.Getenv("CAP_ARGS"); caps != "" {
		if err := json.Unmarshal([]byte(caps), &rt.CapabilityArgs); err != nil {
			return fmt.Errorf("CAP_ARGS: %w", err)
		}
	}
	cni := libcni.NewCNIConfigWithCacheDir(filepath.SplitList(os.Getenv("CNI_PATH")), os.Getenv("CNI_CACHE_DIR"), nil)
	ctx := context.Background()

	switch cmd {
	case "add":
		result, err := cni.AddNetworkList(ctx, list, rt)
		if err != nil {
			return err
		}
		return result.Print()
	case "check":
		return cni.CheckNetworkList(ctx, list, rt)
	case "del":
		return cni.DelNetworkList(ctx, list, rt)
	}
	return fmt.Errorf("unknown command %q", cmd)
}
