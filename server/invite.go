package server

import (
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/labstack/echo/v4"
	qrcode "github.com/skip2/go-qrcode"

	"congress/protocol"
)

// maxQRText bounds the text a QR code is made of: an invite link.
const maxQRText = 512

// Addresses answers GET /api/addresses: without --base-url, the links by
// which other machines on this one's networks may reach the server (see
// Options.Listen), for a host who opened the page at a loopback address
// that a friend's machine cannot reach. With --base-url the links are
// that, and this lists none.
type Addresses struct {
	Addresses []string `json:"addresses"`
}

func (s *Server) listAddresses(c echo.Context) error {
	out := Addresses{Addresses: []string{}}
	host, port, err := net.SplitHostPort(s.opt.Listen)
	if s.opt.BaseURL == "" && err == nil {
		ip := net.ParseIP(host)
		switch {
		case host == "" || (ip != nil && ip.IsUnspecified()):
			if addrs, err := net.InterfaceAddrs(); err == nil {
				out.Addresses = networkLinks(addrs, port)
			}
		case ip != nil:
			// Bound to one address: that one, unless only this machine reaches it.
			out.Addresses = networkLinks([]net.Addr{&net.IPNet{IP: ip}}, port)
		}
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, out)
}

// networkLinks is the base URL of each address another machine may use:
// no loopback, no link-local address, IPv4 first.
func networkLinks(addrs []net.Addr, port string) []string {
	var v4, v6 []string
	for _, a := range addrs {
		n, ok := a.(*net.IPNet)
		if !ok {
			continue
		}
		ip := n.IP
		if ip.IsLoopback() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() || ip.IsUnspecified() || ip.IsMulticast() {
			continue
		}
		host := ip.String()
		if port != "" {
			host = net.JoinHostPort(host, port)
		} else if ip.To4() == nil {
			host = "[" + host + "]"
		}
		if ip.To4() != nil {
			v4 = append(v4, "http://"+host)
		} else {
			v6 = append(v6, "http://"+host)
		}
	}
	slices.Sort(v4)
	slices.Sort(v6)
	return append(append([]string{}, v4...), v6...)
}

// serveQR answers GET /api/qr?url=…: a QR code (PNG) of an http or https
// link, for friends in the same room to scan the invite from the screen.
func (s *Server) serveQR(c echo.Context) error {
	text := c.QueryParam("url")
	u, err := url.Parse(text)
	if text == "" || len(text) > maxQRText || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return protocol.Errorf(protocol.CodeBadMessage, "A QR code is made of an http or https link of at most %d characters.", maxQRText)
	}
	size := 256
	if v, err := strconv.Atoi(c.QueryParam("size")); err == nil && v >= 128 && v <= 1024 {
		size = v
	}
	png, err := qrcode.Encode(text, qrcode.Medium, size)
	if err != nil {
		return err
	}
	// The link may open a private lobby or move a seat: no cache but the
	// browser's own keeps it.
	c.Response().Header().Set("Cache-Control", "private, no-store")
	return c.Blob(http.StatusOK, "image/png", png)
}
