package server

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"congress/protocol"
	"congress/server/store"
)

// fuzzServer is a server for the HTTP fuzz targets: the real routes and
// decoders, called in-process, with a match history that checks what
// reaches it.
func fuzzServer(f *testing.F) (*Server, *checkedMatches) {
	hist := &checkedMatches{}
	srv := New(Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Limits: testLimits(), Matches: hist})
	f.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		require.NoError(f, srv.Close(ctx))
	})
	return srv, hist
}

// checkedMatches is a match history that fails the test if a request
// reaches it with what the handlers should have refused. t is the
// current input's: the fuzz function runs one input at a time.
type checkedMatches struct{ t *testing.T }

func (h *checkedMatches) PutMatch(context.Context, store.Match) error { return nil }
func (h *checkedMatches) FinishMatch(context.Context, store.Match, []byte) error {
	return nil
}

func (h *checkedMatches) GetMatch(_ context.Context, id string) (store.Match, error) {
	u, err := uuid.Parse(id)
	assert.True(h.t, err == nil && u.String() == id, "the store was asked for match %q", id)
	return store.Match{}, store.ErrNotFound
}

func (h *checkedMatches) MatchLog(_ context.Context, id string) ([]byte, error) {
	return nil, store.ErrNotFound
}

func (h *checkedMatches) Matches(_ context.Context, page, size int) ([]store.Match, int, error) {
	assert.True(h.t, page >= 0 && page <= maxMatchPage, "page %d", page)
	assert.True(h.t, size >= 1 && size <= 100, "size %d", size)
	return nil, 0, nil
}

// checkAnswer holds for every answer: a status the API documents, and a
// refusal in the Problem form with a code and words, never Go's text.
func checkAnswer(t *testing.T, rec *httptest.ResponseRecorder, ok ...int) {
	t.Helper()
	for _, s := range ok {
		if rec.Code == s {
			return
		}
	}
	require.Less(t, rec.Code, 500, "%s", rec.Body)
	var p protocol.Problem
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &p), "%s", rec.Body)
	assert.NotEmpty(t, p.Code)
	assert.NotEmpty(t, p.Message)
	for _, goText := range []string{"json:", "strconv", "invalid character", "unexpected EOF", "reflect", "runtime error"} {
		assert.NotContains(t, p.Message, goText)
	}
}

// FuzzCreateLobby: POST /api/lobbies never fails on the server's side
// and never answers in Go's words, whatever the body.
func FuzzCreateLobby(f *testing.F) {
	for _, seed := range []string{
		`{"name":"Anna"}`,
		`{"name":"Anna","public":true,"settings":{"debate_seconds":90}}`,
		`{"name":"Anna","settings":{"vote_seconds":0}}`,
		`{"name":"Anna","settings":{"debate_seconds":"long"}}`,
		`{"name":"Anna","settings":{"max_spectators":-1,"reveal":"all","plotter_chat":7}}`,
		`{"name":"Anna","settings":null}`,
		`{"name":"Anna","settings":[]}`,
		`{"name":"Anna","admin":true}`,
		`{"name":"Ann` + "\xff" + `"}`,
		`{"name":"\u0000"}`,
		`{"name":"Anna"}{"name":"Boris"}`,
		`{"name":` + strings.Repeat("[", 10000),
		`[]`, `null`, `"Anna"`, ``, `{`,
		`{"name":"Anna","settings":{"debate_seconds":1e400}}`,
		`{"name":"Anna","settings":{"threshold":9223372036854775808}}`,
	} {
		f.Add([]byte(seed))
	}
	srv, hist := fuzzServer(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		hist.t = t
		req := httptest.NewRequest(http.MethodPost, "/api/lobbies", strings.NewReader(string(body)))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		srv.Handler().ServeHTTP(rec, req)
		checkAnswer(t, rec, http.StatusCreated)
		if rec.Code == http.StatusCreated {
			var c protocol.Created
			require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &c))
			assert.True(t, protocol.ValidCode(c.Code), c.Code)
		}
	})
}

// FuzzMatchRequests: GET /api/matches with any query, and GET
// /api/matches/{id} with any ID, are answered 200 or a refusal, and
// only validated values reach the store.
func FuzzMatchRequests(f *testing.F) {
	for _, seed := range []struct{ query, id string }{
		{"", "6ba7b810-9dad-11d1-80b4-00c04fd430c8"},
		{"page=1&per_page=100", "*"},
		{"page=9223372036854775807", ">"},
		{"page=-1&per_page=0", ".."},
		{"per_page=200", "a b"},
		{"page=1e3", "6BA7B810-9DAD-11D1-80B4-00C04FD430C8"},
		{"page=0x10&page=2", "urn:uuid:6ba7b810-9dad-11d1-80b4-00c04fd430c8"},
		{"page=%00", "%2F"},
		{"per_page=+5", strings.Repeat("f", 100)},
	} {
		f.Add(seed.query, seed.id)
	}
	srv, hist := fuzzServer(f)
	f.Fuzz(func(t *testing.T, query, id string) {
		hist.t = t
		list := &http.Request{Method: http.MethodGet, URL: &url.URL{Path: "/api/matches", RawQuery: query}, Header: http.Header{}, RemoteAddr: "192.0.2.1:1234"}
		rec := httptest.NewRecorder()
		srv.Handler().ServeHTTP(rec, list.WithContext(context.Background()))
		checkAnswer(t, rec, http.StatusOK)
		one := &http.Request{Method: http.MethodGet, URL: &url.URL{Path: "/api/matches/" + id, RawPath: "/api/matches/" + url.PathEscape(id)}, Header: http.Header{}, RemoteAddr: "192.0.2.1:1234"}
		rec = httptest.NewRecorder()
		srv.Handler().ServeHTTP(rec, one.WithContext(context.Background()))
		checkAnswer(t, rec)
	})
}
