// Package natstest runs NATS servers with JetStream on loopback for tests.
package natstest

import (
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	natsserver "github.com/nats-io/nats-server/v2/server"
	"github.com/stretchr/testify/require"
)

// Cluster runs n NATS servers with JetStream, routed to each other on
// loopback as one cluster, stopped when the test ends, and returns their
// client URLs as soon as each accepts clients: JetStream may still be
// electing its leader (see Settled).
func Cluster(t testing.TB, n int) ([]string, []*natsserver.Server) {
	t.Helper()
	ports := make([]int, n)
	for i := range ports {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		ports[i] = l.Addr().(*net.TCPAddr).Port
		require.NoError(t, l.Close())
	}
	var servers []*natsserver.Server
	for i := range n {
		var routes []string
		for j := range n {
			if j != i {
				routes = append(routes, fmt.Sprintf("nats-route://127.0.0.1:%d", ports[j]))
			}
		}
		ns, err := natsserver.NewServer(&natsserver.Options{
			ServerName: fmt.Sprintf("nats-%d", i), Host: "127.0.0.1", Port: -1,
			JetStream: true, StoreDir: t.TempDir(), NoSigs: true, NoLog: true,
			Cluster: natsserver.ClusterOpts{Name: "congress-test", Host: "127.0.0.1", Port: ports[i]},
			Routes:  natsserver.RoutesFromStr(strings.Join(routes, ",")),
		})
		require.NoError(t, err)
		ns.Start()
		t.Cleanup(ns.Shutdown)
		servers = append(servers, ns)
	}
	var urls []string
	for _, ns := range servers {
		require.True(t, ns.ReadyForConnections(10*time.Second), "nats-server did not start")
		urls = append(urls, ns.ClientURL())
	}
	return urls, servers
}

// Settled waits until the servers' JetStream has elected its leader and
// every server is current.
func Settled(t testing.TB, servers []*natsserver.Server) {
	t.Helper()
	require.Eventually(t, func() bool {
		leader := false
		for _, ns := range servers {
			leader = leader || ns.JetStreamIsLeader()
			if !ns.JetStreamIsCurrent() {
				return false
			}
		}
		return leader
	}, 30*time.Second, 100*time.Millisecond, "JetStream elected no leader")
}
