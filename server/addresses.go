package server

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// ipLimits caps what one client address may hold or do: open WebSocket
// connections, HTTP requests in progress, and lobbies created per window.
type ipLimits struct {
	lim      Limits
	mu       sync.Mutex
	conns    map[string]int
	requests map[string]int
	creates  map[string]*rate.Limiter
}

func newIPLimits(lim Limits) *ipLimits {
	return &ipLimits{lim: lim, conns: map[string]int{}, requests: map[string]int{}, creates: map[string]*rate.Limiter{}}
}

// acquire counts a connection from ip; false if ip holds too many.
func (p *ipLimits) acquire(ip string) bool { return p.hold(p.conns, ip, p.lim.ConnsPerIP) }

func (p *ipLimits) release(ip string) { p.let(p.conns, ip) }

// request counts an HTTP request in progress from ip; false if ip has
// too many. done ends it.
func (p *ipLimits) request(ip string) bool { return p.hold(p.requests, ip, p.lim.RequestsPerIP) }

func (p *ipLimits) done(ip string) { p.let(p.requests, ip) }

func (p *ipLimits) hold(held map[string]int, ip string, limit int) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if held[ip] >= limit {
		return false
	}
	held[ip]++
	return true
}

func (p *ipLimits) let(held map[string]int, ip string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if held[ip]--; held[ip] <= 0 {
		delete(held, ip)
	}
}

// create spends one of ip's lobby creations; false if none is left.
func (p *ipLimits) create(ip string, now time.Time) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	l := p.creates[ip]
	if l == nil {
		if len(p.creates) > 10000 {
			// Forget addresses whose allowance has refilled.
			for k, v := range p.creates {
				if v.TokensAt(now) >= float64(p.lim.LobbiesPerIP) {
					delete(p.creates, k)
				}
			}
		}
		every := p.lim.LobbyWindow / time.Duration(max(p.lim.LobbiesPerIP, 1))
		l = rate.NewLimiter(rate.Every(every), p.lim.LobbiesPerIP)
		p.creates[ip] = l
	}
	return l.AllowN(now, 1)
}

// clientIP is the address of the client at the other end of the TCP
// connection. Forwarded headers are not trusted — they are the client's
// to forge — unless that address is one of the operator's proxies
// (Options.TrustedProxies): then the client is the last address of
// X-Forwarded-For that is not a trusted proxy.
func (s *Server) clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if len(s.opt.TrustedProxies) == 0 || !s.trusted(host) {
		return host
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop := strings.TrimSpace(hops[i])
		if _, err := netip.ParseAddr(hop); err != nil {
			break // not an address: nothing before it can be believed
		}
		if !s.trusted(hop) {
			return hop
		}
		host = hop
	}
	return host
}

// fromTrustedProxy reports whether the peer of r is one of the
// operator's proxies, whose forwarded headers may be believed.
func (s *Server) fromTrustedProxy(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	return s.trusted(host)
}

// trusted reports whether addr is one of the operator's proxies.
func (s *Server) trusted(addr string) bool {
	ip, err := netip.ParseAddr(addr)
	if err != nil {
		return false
	}
	ip = ip.Unmap()
	for _, p := range s.opt.TrustedProxies {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}
