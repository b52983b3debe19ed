package store

import "sync/atomic"

func nextLobby(n *int64) int64 { return atomic.AddInt64(n, 1) }
