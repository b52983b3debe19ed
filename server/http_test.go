package server

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"congress/game"
	"congress/protocol"
)

func TestHTTP(t *testing.T) {
	e := newEnv(t)
	private := e.create("Anna", nil)
	body, _ := json.Marshal(protocol.CreateLobby{Name: "Boris", Public: true})
	res, err := http.Post(e.http.URL+"/api/lobbies", "application/json", strings.NewReader(string(body)))
	require.NoError(t, err)
	var public protocol.Created
	require.NoError(t, json.NewDecoder(res.Body).Decode(&public))
	res.Body.Close()

	tests := []struct {
		name       string
		method     string
		path       string
		body       string
		wantStatus int
		wantCode   protocol.Code // for a Problem body
		wantIn     string        // in the body
		wantType   string
	}{
		{"create", "POST", "/api/lobbies", `{"name":"Clara"}`, 201, "", `"token":"`, "application/json"},
		{"create bad json", "POST", "/api/lobbies", `{"name":`, 400, protocol.CodeBadMessage, "", ""},
		{"create unknown field", "POST", "/api/lobbies", `{"name":"Clara","admin":true}`, 400, protocol.CodeBadMessage, "", ""},
		{"create empty name", "POST", "/api/lobbies", `{"name":"  "}`, 400, protocol.CodeBadName, "", ""},
		{"create bad settings", "POST", "/api/lobbies", `{"name":"Clara","settings":{"debate_seconds":0,"reveal":"nothing","plotter_chat":"night","threshold":2}}`, 400, "invalid_config", "", ""},
		{"create huge body", "POST", "/api/lobbies", `{"name":"` + strings.Repeat("a", 20000) + `"}`, 400, protocol.CodeBadMessage, "", ""},
		{"list shows public only", "GET", "/api/lobbies", "", 200, "", public.Code, "application/json"},
		{"summary", "GET", "/api/lobbies/" + strings.ToLower(private.Code), "", 200, "", `"host":"Anna"`, "application/json"},
		{"summary unknown", "GET", "/api/lobbies/ZZZZZZ", "", 404, protocol.CodeUnknownLobby, "", ""},
		{"summary malformed", "GET", "/api/lobbies/%00%00", "", 404, protocol.CodeUnknownLobby, "", ""},
		{"unknown api", "GET", "/api/nothing", "", 404, protocol.CodeNotFound, "", ""},
		{"healthz", "GET", "/healthz", "", 200, "", "ok", "text/plain"},
		{"readyz", "GET", "/readyz", "", 200, "", "ready", "text/plain"},
		{"metrics", "GET", "/metrics", "", 200, "", "congress_lobbies 3", "text/plain; version=0.0.4"},
		{"client", "GET", "/", "", 200, "", "<html", "text/html"},
		{"invite link", "GET", "/l/" + private.Code, "", 200, "", "<html", "text/html"},
		{"tv page", "GET", "/l/" + private.Code + "/tv", "", 200, "", `src="/tv.js"`, "text/html"},
		{"tv page, trailing slash", "GET", "/l/" + private.Code + "/tv/", "", 404, protocol.CodeNotFound, "", ""},
		{"missing file", "GET", "/nothing.js", "", 404, protocol.CodeNotFound, "", ""},
		{"wrong method", "DELETE", "/api/lobbies", "", 405, "method_not_allowed", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(tt.method, e.http.URL+tt.path, strings.NewReader(tt.body))
			require.NoError(t, err)
			res, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			assert.Equal(t, tt.wantStatus, res.StatusCode, "%s", b)
			// Every response carries the security headers.
			assert.Equal(t, contentSecurityPolicy, res.Header.Get("Content-Security-Policy"))
			assert.Equal(t, "nosniff", res.Header.Get("X-Content-Type-Options"))
			assert.Equal(t, "no-referrer", res.Header.Get("Referrer-Policy"))
			if tt.wantCode != "" {
				var p protocol.Problem
				require.NoError(t, json.Unmarshal(b, &p), "%s", b)
				assert.Equal(t, tt.wantCode, p.Code)
				assert.NotEmpty(t, p.Message)
			}
			if tt.wantIn != "" {
				assert.Contains(t, string(b), tt.wantIn)
			}
			if tt.wantType != "" {
				assert.True(t, strings.HasPrefix(res.Header.Get("Content-Type"), tt.wantType), res.Header.Get("Content-Type"))
			}
		})
	}
	t.Run("list hides private", func(t *testing.T) {
		res, err := http.Get(e.http.URL + "/api/lobbies")
		require.NoError(t, err)
		defer res.Body.Close()
		var list []protocol.LobbySummary
		require.NoError(t, json.NewDecoder(res.Body).Decode(&list))
		require.Len(t, list, 1)
		assert.Equal(t, public.Code, list[0].Code)
		assert.Equal(t, "Boris", list[0].Host)
	})
	t.Run("links", func(t *testing.T) {
		assert.Equal(t, e.http.URL+"/l/"+private.Code, private.Link)
		assert.Equal(t, e.http.URL+"/l/"+private.Code+"?watch=1", private.WatchLink)
		assert.Len(t, private.Token, protocol.TokenLength)
		assert.True(t, protocol.ValidCode(private.Code))
	})
}

func TestMetricsOnlyForAllowedNetworks(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.MetricsFrom = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")} })
	res, err := http.Get(e.http.URL + "/metrics")
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusNotFound, res.StatusCode)
}

func TestLobbyCreationCap(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.Limits.LobbiesPerIP = 3 })
	for range 3 {
		e.create("Anna", nil)
	}
	res, err := http.Post(e.http.URL+"/api/lobbies", "application/json", strings.NewReader(`{"name":"Anna"}`))
	require.NoError(t, err)
	defer res.Body.Close()
	assert.Equal(t, http.StatusTooManyRequests, res.StatusCode)
	var p protocol.Problem
	require.NoError(t, json.NewDecoder(res.Body).Decode(&p))
	assert.Equal(t, protocol.CodeLobbyCap, p.Code)
}

func TestBaseURL(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.BaseURL = "https://congress.example.org" })
	c := e.create("Anna", nil)
	assert.Equal(t, "https://congress.example.org/l/"+c.Code, c.Link)
}

func TestOrigin(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.Origins = []string{"friends.example.org"} })
	host := strings.TrimPrefix(e.http.URL, "http://")
	tests := []struct {
		name   string
		origin string
		ok     bool
	}{
		{"same origin", "http://" + host, true},
		{"no origin (not a browser)", "", true},
		{"configured origin", "https://friends.example.org", true},
		{"cross origin", "https://evil.example.com", false},
		{"look-alike", "http://" + host + ".evil.example.com", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			if tt.origin != "" {
				h.Set("Origin", tt.origin)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			ws, res, err := websocket.Dial(ctx, e.wsURL(), &websocket.DialOptions{HTTPHeader: h})
			if !tt.ok {
				require.Error(t, err)
				require.NotNil(t, res)
				assert.Equal(t, http.StatusForbidden, res.StatusCode)
				return
			}
			require.NoError(t, err)
			defer ws.CloseNow()
			// The connection works: a watch is welcomed.
			c := e.create("Anna", nil)
			require.NoError(t, ws.Write(ctx, websocket.MessageText, protocol.EncodeClient(protocol.Watch{Lobby: c.Code})))
			_, data, err := ws.Read(ctx)
			require.NoError(t, err)
			assert.Contains(t, string(data), `"type":"welcome"`)
		})
	}
}

func TestConnectionsPerIP(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.Limits.ConnsPerIP = 2 })
	e.dial(nil)
	e.dial(nil)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, res, err := websocket.Dial(ctx, e.wsURL(), nil)
	require.Error(t, err)
	require.NotNil(t, res)
	assert.Equal(t, http.StatusTooManyRequests, res.StatusCode)
}

func TestClientIP(t *testing.T) {
	proxies := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	tests := []struct {
		name    string
		trusted []netip.Prefix
		remote  string
		xff     []string
		want    string
	}{
		{name: "no proxy trusted: the peer, whatever it says", remote: "10.0.0.5:4000", xff: []string{"203.0.113.9"}, want: "10.0.0.5"},
		{name: "a trusted proxy: the client it names", trusted: proxies, remote: "10.0.0.5:4000", xff: []string{"203.0.113.9"}, want: "203.0.113.9"},
		{name: "a forged entry before the real client", trusted: proxies, remote: "10.0.0.5:4000", xff: []string{"1.2.3.4, 203.0.113.9"}, want: "203.0.113.9"},
		{name: "two trusted proxies", trusted: proxies, remote: "10.0.0.5:4000", xff: []string{"203.0.113.9, 10.0.0.7"}, want: "203.0.113.9"},
		{name: "headers repeated", trusted: proxies, remote: "10.0.0.5:4000", xff: []string{"1.2.3.4", "203.0.113.9"}, want: "203.0.113.9"},
		{name: "an untrusted peer's header is ignored", trusted: proxies, remote: "198.51.100.1:4000", xff: []string{"203.0.113.9"}, want: "198.51.100.1"},
		{name: "a trusted proxy with no header", trusted: proxies, remote: "10.0.0.5:4000", want: "10.0.0.5"},
		{name: "garbage in the header", trusted: proxies, remote: "10.0.0.5:4000", xff: []string{"203.0.113.9, nonsense"}, want: "10.0.0.5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &Server{opt: Options{TrustedProxies: tt.trusted}}
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.RemoteAddr = tt.remote
			for _, v := range tt.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			assert.Equal(t, tt.want, s.clientIP(r))
		})
	}
}

// TestInviteLinksIgnoreForgedHeaders: without --base-url, a creator who
// sends another Host and X-Forwarded-Proto cannot put a link to another
// site in front of strangers, and the scheme is forwarded only by a
// trusted proxy.
func TestInviteLinksIgnoreForgedHeaders(t *testing.T) {
	create := func(t *testing.T, e *env, host string, header map[string]string) (int, protocol.Created) {
		req, err := http.NewRequest(http.MethodPost, e.http.URL+"/api/lobbies", strings.NewReader(`{"name":"Anna","public":true}`))
		require.NoError(t, err)
		req.Host = host
		req.Header.Set("Content-Type", "application/json")
		for k, v := range header {
			req.Header.Set(k, v)
		}
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer res.Body.Close()
		var c protocol.Created
		_ = json.NewDecoder(res.Body).Decode(&c)
		return res.StatusCode, c
	}
	forged := map[string]string{"X-Forwarded-Proto": "https"}

	t.Run("untrusted peer", func(t *testing.T) {
		e := newEnv(t)
		status, c := create(t, e, "attacker.example:443", forged)
		require.Equal(t, http.StatusCreated, status)
		assert.Equal(t, "http://attacker.example:443/l/"+c.Code, c.Link, "the scheme is not taken from the header")
		// Strangers see links to the address they came by.
		_, body := e.get("/api/lobbies")
		var list []protocol.LobbySummary
		require.NoError(t, json.Unmarshal(body, &list))
		require.Len(t, list, 1)
		assert.Equal(t, e.http.URL+"/l/"+c.Code, list[0].Link)
		assert.Equal(t, e.http.URL+"/l/"+c.Code+"?watch=1", list[0].WatchLink)
		_, body = e.get("/api/lobbies/" + c.Code)
		assert.NotContains(t, string(body), "attacker")
		// Nor do the lobby's members: their links are relative.
		ws := e.dial(nil)
		ws.send(protocol.Resume{Lobby: c.Code, Token: c.Token})
		w := ws.welcome()
		assert.Equal(t, "/l/"+c.Code, w.Lobby.Link)
		assert.Equal(t, "/l/"+c.Code+"?watch=1", w.Lobby.WatchLink)
	})
	t.Run("trusted proxy", func(t *testing.T) {
		e := newEnv(t, func(o *Options) { o.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")} })
		status, c := create(t, e, "congress.example.org", forged)
		require.Equal(t, http.StatusCreated, status)
		assert.Equal(t, "https://congress.example.org/l/"+c.Code, c.Link)
	})
	t.Run("a host that is not a name", func(t *testing.T) {
		e := newEnv(t)
		for _, host := range []string{"evil.example/path", "user@evil.example", "evil.example:99999", "a b"} {
			status, _ := create(t, e, host, nil)
			assert.Equal(t, http.StatusBadRequest, status, host)
		}
	})
}

// TestCreateLobbySettings: settings left out of POST /api/lobbies take
// their defaults; one out of range or of the wrong type is refused in
// words that name it.
func TestCreateLobbySettings(t *testing.T) {
	e := newEnv(t)
	defaults := protocol.SettingsOf(game.DefaultConfig(), protocol.DefaultMaxSpectators)
	tests := []struct {
		name       string
		body       string
		wantStatus int
		want       func(*protocol.Settings) // applied to the defaults
		wantCode   protocol.Code
		wantIn     string
	}{
		{name: "one setting", body: `{"name":"Anna","settings":{"debate_seconds":90}}`, wantStatus: 201,
			want: func(s *protocol.Settings) { s.DebateSeconds = 90 }},
		{name: "the gallery closed on purpose", body: `{"name":"Anna","settings":{"max_spectators":0,"reveal":"role"}}`, wantStatus: 201,
			want: func(s *protocol.Settings) { s.MaxSpectators, s.Reveal = 0, "role" }},
		{name: "empty settings", body: `{"name":"Anna","settings":{}}`, wantStatus: 201},
		{name: "null settings", body: `{"name":"Anna","settings":null}`, wantStatus: 201},
		{name: "no settings", body: `{"name":"Anna"}`, wantStatus: 201},
		{name: "a timer out of range", body: `{"name":"Anna","settings":{"vote_seconds":0}}`, wantStatus: 400,
			wantCode: game.CodeConfig, wantIn: "Purge vote timer"},
		{name: "a gallery too big", body: `{"name":"Anna","settings":{"max_spectators":501}}`, wantStatus: 400,
			wantCode: protocol.CodeBadMessage, wantIn: "gallery"},
		{name: "an unknown reveal", body: `{"name":"Anna","settings":{"reveal":"all"}}`, wantStatus: 400,
			wantCode: protocol.CodeBadMessage, wantIn: "Reveal"},
		{name: "a timer in words", body: `{"name":"Anna","settings":{"debate_seconds":"long"}}`, wantStatus: 400,
			wantCode: protocol.CodeBadMessage, wantIn: "settings.debate_seconds must be a whole number"},
		{name: "an unknown setting", body: `{"name":"Anna","settings":{"debate_minutes":2}}`, wantStatus: 400,
			wantCode: protocol.CodeBadMessage, wantIn: `"debate_minutes"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := http.Post(e.http.URL+"/api/lobbies", "application/json", strings.NewReader(tt.body))
			require.NoError(t, err)
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			require.Equal(t, tt.wantStatus, res.StatusCode, "%s", b)
			if tt.wantStatus != http.StatusCreated {
				var p protocol.Problem
				require.NoError(t, json.Unmarshal(b, &p), "%s", b)
				assert.Equal(t, tt.wantCode, p.Code)
				assert.Contains(t, p.Message, tt.wantIn)
				return
			}
			var c protocol.Created
			require.NoError(t, json.Unmarshal(b, &c))
			_, body := e.get("/api/lobbies/" + c.Code)
			var sum protocol.LobbySummary
			require.NoError(t, json.Unmarshal(body, &sum))
			want := defaults
			if tt.want != nil {
				tt.want(&want)
			}
			assert.Equal(t, want, sum.Settings)
			assert.Equal(t, want.MaxSpectators, sum.MaxSpectators)
		})
	}
}

// TestHeadAnswersAsGet: HEAD on a page or a readable resource is
// answered as GET is, without the body.
func TestHeadAnswersAsGet(t *testing.T) {
	e := newEnv(t)
	c := e.create("Anna", nil)
	tests := []struct {
		path       string
		wantStatus int
		wantType   string
	}{
		{"/", 200, "text/html"},
		{"/l/" + c.Code, 200, "text/html"},
		{"/l/" + c.Code + "/tv", 200, "text/html"},
		{"/app.js", 200, "text/javascript"},
		{"/healthz", 200, "text/plain"},
		{"/api/lobbies", 200, "application/json"},
		{"/api/lobbies/" + c.Code, 200, "application/json"},
		{"/api/matches", 200, "application/json"},
		{"/nothing.js", 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			res, err := http.Head(e.http.URL + tt.path)
			require.NoError(t, err)
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			assert.Equal(t, tt.wantStatus, res.StatusCode)
			assert.Empty(t, b)
			assert.True(t, strings.HasPrefix(res.Header.Get("Content-Type"), tt.wantType), res.Header.Get("Content-Type"))
			assert.Equal(t, contentSecurityPolicy, res.Header.Get("Content-Security-Policy"))
		})
	}
}

// TestCreateLobbyRefusesInvalidUTF8: a name that is not UTF-8 is
// refused, as the WebSocket refuses it, and not turned into U+FFFD.
func TestCreateLobbyRefusesInvalidUTF8(t *testing.T) {
	e := newEnv(t)
	for _, body := range []string{"{\"name\":\"Ann\xff\"}", "{\"name\":\"Anna\",\"public\":true}\xc3"} {
		res, err := http.Post(e.http.URL+"/api/lobbies", "application/json", strings.NewReader(body))
		require.NoError(t, err)
		var p protocol.Problem
		require.NoError(t, json.NewDecoder(res.Body).Decode(&p))
		res.Body.Close()
		assert.Equal(t, http.StatusBadRequest, res.StatusCode, body)
		assert.Equal(t, protocol.CodeBadMessage, p.Code)
		assert.Contains(t, p.Message, "UTF-8")
	}
	assert.Empty(t, e.srv.lobbies.all())
}
