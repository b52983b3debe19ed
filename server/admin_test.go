package server

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"congress/protocol"
)

// adminRequest sends an operator's request with the given headers and
// returns the status and the body.
func (e *env) adminRequest(method string, header map[string]string) (int, string) {
	e.t.Helper()
	req, err := http.NewRequest(method, e.http.URL+"/admin/drain", strings.NewReader(""))
	require.NoError(e.t, err)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(e.t, err)
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// TestAdminRefusesWhatABrowserSends: a page on another site, opened in a
// browser on the operator's network, cannot drain the node.
func TestAdminRefusesWhatABrowserSends(t *testing.T) {
	e := newEnv(t)
	const jsonType = "application/json"
	tests := []struct {
		name       string
		header     map[string]string
		wantStatus int
		wantCode   protocol.Code
	}{
		{"a cross-site form", map[string]string{"Content-Type": "text/plain", "Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}, 403, protocol.CodeForbidden},
		{"a plain-text post", map[string]string{"Content-Type": "text/plain"}, 403, protocol.CodeForbidden},
		{"a form post", map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, 403, protocol.CodeForbidden},
		{"no content type (fetch with no body)", nil, 403, protocol.CodeForbidden},
		{"json, but from a page", map[string]string{"Content-Type": jsonType, "Origin": "https://evil.example"}, 403, protocol.CodeForbidden},
		{"json, but fetched same-site", map[string]string{"Content-Type": jsonType, "Sec-Fetch-Site": "same-site"}, 403, protocol.CodeForbidden},
		// Past the guard: a server alone has nobody to hand lobbies to.
		{"an operator's curl", map[string]string{"Content-Type": jsonType}, 503, protocol.CodeServerBusy},
		{"typed in the address bar", map[string]string{"Content-Type": jsonType, "Sec-Fetch-Site": "none"}, 503, protocol.CodeServerBusy},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := e.adminRequest(http.MethodPost, tt.header)
			assert.Equal(t, tt.wantStatus, status, body)
			var p protocol.Problem
			require.NoError(t, json.Unmarshal([]byte(body), &p), body)
			assert.Equal(t, tt.wantCode, p.Code)
			assert.NotContains(t, p.Message, "err")
		})
	}
	assert.False(t, e.srv.draining.Load())
}

// TestUndrain: a drained node is taken back with DELETE /admin/drain; it
// is ready and opens lobbies again.
func TestUndrain(t *testing.T) {
	st := openStore(t)
	a := clusterNode(t, st, "a", 2*time.Second)
	op := map[string]string{"Content-Type": "application/json"}
	status, body := a.adminRequest(http.MethodPost, op)
	require.Equal(t, http.StatusOK, status, body)
	assert.Equal(t, "drained\n", body)
	status, _ = a.get("/readyz")
	assert.Equal(t, http.StatusServiceUnavailable, status)
	status, _ = a.post("/api/lobbies", protocol.CreateLobby{Name: "Anna"})
	assert.Equal(t, http.StatusServiceUnavailable, status)

	status, body = a.adminRequest(http.MethodDelete, op)
	require.Equal(t, http.StatusOK, status, body)
	assert.False(t, a.srv.draining.Load())
	status, _ = a.get("/readyz")
	assert.Equal(t, http.StatusOK, status)
	a.create("Anna", nil)
}
