package server

import (
	"bytes"
	"encoding/json"
	"image/png"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNetworkLinks(t *testing.T) {
	ipnet := func(s string) net.Addr {
		ip, n, err := net.ParseCIDR(s)
		require.NoError(t, err)
		n.IP = ip
		return n
	}
	tests := []struct {
		name string
		in   []string
		port string
		want []string
	}{
		{"loopback and link-local left out", []string{"127.0.0.1/8", "::1/128", "fe80::1/64", "169.254.3.4/16"}, "8080", nil},
		{"IPv4 first, sorted, with the port", []string{"2001:db8::5/64", "192.168.1.20/24", "10.0.0.7/8"}, "8080",
			[]string{"http://10.0.0.7:8080", "http://192.168.1.20:8080", "http://[2001:db8::5]:8080"}},
		{"no port known", []string{"192.168.1.20/24", "2001:db8::5/64"}, "", []string{"http://192.168.1.20", "http://[2001:db8::5]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var addrs []net.Addr
			for _, a := range tt.in {
				addrs = append(addrs, ipnet(a))
			}
			got := networkLinks(addrs, tt.port)
			if tt.want == nil {
				assert.Empty(t, got)
				return
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestServeQR(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name   string
		url    string
		status int
	}{
		{"an invite link", "http://192.168.1.20:8080/l/K7QXM2", http.StatusOK},
		{"not a link", "javascript:alert(1)", http.StatusBadRequest},
		{"empty", "", http.StatusBadRequest},
		{"too long", "http://x.org/" + strings.Repeat("a", maxQRText), http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := http.Get(e.http.URL + "/api/qr?url=" + url.QueryEscape(tt.url))
			require.NoError(t, err)
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			require.Equal(t, tt.status, res.StatusCode, string(body))
			if tt.status != http.StatusOK {
				return
			}
			assert.Equal(t, "image/png", res.Header.Get("Content-Type"))
			assert.Equal(t, "private, no-store", res.Header.Get("Cache-Control"), "a shared cache keeps a private lobby's link, or a seat's move")
			img, err := png.Decode(bytes.NewReader(body))
			require.NoError(t, err)
			assert.Equal(t, 256, img.Bounds().Dx())
		})
	}
}

// TestListAddresses: without a base URL the server lists the links of
// its network addresses, none of them loopback; with one, none.
func TestListAddresses(t *testing.T) {
	tests := []struct {
		name, base, listen string
		want               []string // nil: whatever the machine has, none loopback
	}{
		{"every address", "", ":8080", nil},
		{"one address", "", "192.168.1.20:8080", []string{"http://192.168.1.20:8080"}},
		{"loopback only", "", "127.0.0.1:8080", []string{}},
		{"a base URL", "https://congress.example.org", ":8080", []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, func(o *Options) { o.BaseURL, o.Listen = tt.base, tt.listen })
			res, err := http.Get(e.http.URL + "/api/addresses")
			require.NoError(t, err)
			defer res.Body.Close()
			require.Equal(t, http.StatusOK, res.StatusCode)
			var got Addresses
			require.NoError(t, json.NewDecoder(res.Body).Decode(&got))
			require.NotNil(t, got.Addresses)
			if tt.want != nil {
				assert.Equal(t, tt.want, got.Addresses)
				return
			}
			for _, a := range got.Addresses {
				assert.NotContains(t, a, "127.0.0.1")
				assert.True(t, strings.HasSuffix(a, ":8080"), "%s on the server's port", a)
			}
		})
	}
}
