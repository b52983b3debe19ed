package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/netip"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/coder/websocket"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	webclient "congress/client"
	"congress/game"
	"congress/protocol"
	"congress/server/lobby"
)

// contentSecurityPolicy is sent with every response: the client is
// plain files from this origin, its WebSocket goes back to it, and
// nothing may frame it.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'none'"

// maxBodyBytes bounds an HTTP request body.
const maxBodyBytes = 16 << 10

func (s *Server) routes() *echo.Echo {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.httpError
	e.Use(s.logRequests, middleware.Recover(), securityHeaders, s.requestsPerIP)

	// What can be read answers HEAD as GET, without the body (net/http
	// drops a HEAD's body).
	read := []string{http.MethodGet, http.MethodHead}
	e.Match(read, "/healthz", func(c echo.Context) error { return c.String(http.StatusOK, "ok\n") })
	e.Match(read, "/readyz", s.readyz)
	e.GET("/metrics", s.serveMetrics)
	e.POST("/admin/drain", s.drain, s.operatorOnly)
	e.DELETE("/admin/drain", s.undrain, s.operatorOnly)

	e.POST("/api/lobbies", s.createLobby)
	e.Match(read, "/api/lobbies", s.listLobbies)
	e.Match(read, "/api/lobbies/:code", s.getLobby)
	e.Match(read, "/api/matches", s.listMatches)
	e.Match(read, "/api/matches/:id", s.getMatch)
	e.Match(read, "/api/matches/:id/file", s.downloadMatch)
	// A replay repeats the table at every step: compressed, it is a
	// tenth of its size or less.
	e.Match(read, "/api/matches/:id/replay", s.replayMatch, middleware.Gzip())

	e.Match(read, "/api/addresses", s.listAddresses)
	e.Match(read, "/api/qr", s.serveQR)

	e.GET("/ws", s.serveWS)

	e.Match(read, "/l/:code", s.serveIndex)
	e.Match(read, "/l/:code/tv", s.serveTV)
	e.Match(read, "/*", s.serveClient)
	return e
}

// securityHeaders goes on every response.
func securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		return next(c)
	}
}

// requestsPerIP caps the HTTP requests one address has in progress: a
// client that opens many and sends each body slowly holds no more than
// its share. A WebSocket counts only until it is upgraded.
func (s *Server) requestsPerIP(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		ip := s.clientIP(c.Request())
		if !s.ips.request(ip) {
			s.metrics.refused(protocol.CodeRateLimited)
			return &retryLater{protocol.Errorf(protocol.CodeRateLimited, "Your address has too many requests in progress. Wait for them to finish, then try again."), time.Second}
		}
		defer s.ips.done(ip)
		return next(c)
	}
}

// logRequests logs every request with log/slog once it is answered, at
// debug: a request is no news to an operator, and a client that sends
// thousands of bad ones must not fill the disk. What an operator acts
// on is logged where it happens (httpError logs a handler's failure).
func (s *Server) logRequests(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		if err := next(c); err != nil {
			c.Error(err)
		}
		r := c.Request()
		if !s.log.Enabled(r.Context(), slog.LevelDebug) {
			return nil
		}
		s.log.LogAttrs(r.Context(), slog.LevelDebug, "http",
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.Int("status", c.Response().Status),
			slog.Duration("took", time.Since(start)),
			slog.String("ip", s.clientIP(r)))
		return nil
	}
}

// httpError is the one place an error becomes an HTTP status and a
// Problem body. Only *protocol.Error messages reach the client; anything
// else is logged and answered with a generic 500.
func (s *Server) httpError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	status := http.StatusInternalServerError
	p := protocol.Problem{Code: protocol.CodeInternal, Message: "Something went wrong on the server."}
	var pe *protocol.Error
	var he *echo.HTTPError
	var later *retryLater
	if errors.As(err, &later) {
		c.Response().Header().Set("Retry-After", strconv.Itoa(max(1, int(math.Ceil(later.after.Seconds())))))
	}
	switch {
	case errors.As(err, &pe):
		status, p = statusOf(pe.Code), protocol.Problem{Code: pe.Code, Message: pe.Message, Field: pe.Field, Reason: pe.Reason, Params: pe.Params}
	case errors.As(err, &he):
		status = he.Code
		p = protocol.Problem{Code: codeOfStatus(status), Message: http.StatusText(status)}
	default:
		s.log.Error("http handler", "path", c.Request().URL.Path, "err", err)
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(status)
		return
	}
	_ = c.JSON(status, p)
}

// retryLater is a refusal that knows when to try again: its HTTP
// answer carries Retry-After.
type retryLater struct {
	err   *protocol.Error
	after time.Duration
}

func (r *retryLater) Error() string { return r.err.Error() }
func (r *retryLater) Unwrap() error { return r.err }

// statusOf is the HTTP status of a refusal code.
func statusOf(code protocol.Code) int {
	switch code {
	case protocol.CodeUnknownLobby, protocol.CodeNotFound, protocol.CodeNoReplay:
		return http.StatusNotFound
	case protocol.CodeLobbyCap, protocol.CodeRateLimited, protocol.CodeTooManyConns:
		return http.StatusTooManyRequests
	case protocol.CodeServerBusy:
		return http.StatusServiceUnavailable
	case protocol.CodeMatchRunning:
		return http.StatusConflict
	case protocol.CodeForbidden:
		return http.StatusForbidden
	}
	return http.StatusBadRequest
}

func codeOfStatus(status int) protocol.Code {
	switch {
	case status == http.StatusNotFound:
		return protocol.CodeNotFound
	case status == http.StatusMethodNotAllowed:
		return protocol.CodeMethodUnknown
	case status == http.StatusRequestEntityTooLarge:
		return protocol.CodeBadMessage
	case status < 500:
		return protocol.CodeBadMessage
	}
	return "internal"
}

func (s *Server) readyz(c echo.Context) error {
	if !s.ready.Load() {
		return protocol.Errorf(protocol.CodeServerBusy, "The server is shutting down.")
	}
	if h, ok := s.opt.Journal.(interface{ Health() error }); ok {
		if err := h.Health(); err != nil {
			// For the operator: the cause, as the store gives it.
			return c.String(http.StatusServiceUnavailable, "not ready: "+err.Error()+"\n")
		}
	}
	return c.String(http.StatusOK, "ready\n")
}

func (s *Server) serveMetrics(c echo.Context) error {
	if !s.metricsAllowed(c.Request()) {
		return echo.ErrNotFound
	}
	s.metrics.handler.ServeHTTP(c.Response(), c.Request())
	return nil
}

// operatorOnly guards the operator's endpoints. They answer only the
// networks that may read /metrics, and only requests no web page can
// make: a page on another site, opened by a browser on such a network,
// could otherwise post to them. A browser marks what it sends with
// Sec-Fetch-Site or Origin, and cannot send a JSON content type to
// another origin without a preflight that this server never answers.
// An operator's curl sends none of those marks and sets the type:
//
//	curl -X POST -H 'Content-Type: application/json' http://node:8080/admin/drain
func (s *Server) operatorOnly(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if !s.metricsAllowed(r) {
			return echo.ErrNotFound
		}
		site := r.Header.Get("Sec-Fetch-Site")
		if (site != "" && site != "none") || r.Header.Get("Origin") != "" {
			return protocol.Errorf(protocol.CodeForbidden, "The operator's endpoints do not answer web pages. Send the request with curl from the server's network.")
		}
		if ct, _, _ := strings.Cut(r.Header.Get("Content-Type"), ";"); !strings.EqualFold(strings.TrimSpace(ct), "application/json") {
			return protocol.Errorf(protocol.CodeForbidden, "Send the request with the header Content-Type: application/json.")
		}
		return next(c)
	}
}

// drain is POST /admin/drain: the node hands its lobbies over and closes
// its connections (see Server.Drain), and answers when it owns no lobby.
func (s *Server) drain(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), 30*time.Second)
	defer cancel()
	if err := s.Drain(ctx); err != nil {
		if errors.Is(err, errAlone) {
			return errAlone
		}
		if !s.draining.Load() {
			return protocol.Errorf(protocol.CodeServerBusy, "The drain was undone before it finished.")
		}
		s.log.Warn("drain", "err", err)
		return protocol.Errorf(protocol.CodeServerBusy, "Lobbies are still being handed over. POST again to wait for the rest, or DELETE /admin/drain to take the node back.")
	}
	return c.String(http.StatusOK, "drained\n")
}

// undrain is DELETE /admin/drain: a drained node takes lobbies and
// connections again and is ready (see Server.Undrain).
func (s *Server) undrain(c echo.Context) error {
	if !s.Undrain() {
		return protocol.Errorf(protocol.CodeServerBusy, "The server is shutting down.")
	}
	return c.String(http.StatusOK, "serving\n")
}

// metricsAllowed reports whether the client may read /metrics.
func (s *Server) metricsAllowed(r *http.Request) bool {
	ip, err := netip.ParseAddr(s.clientIP(r))
	if err != nil {
		return false
	}
	ip = ip.Unmap()
	for _, p := range s.opt.MetricsFrom {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// decodeBody reads a JSON body strictly: bounded, known fields only.
func decodeBody(c echo.Context, v any) error {
	body, err := io.ReadAll(http.MaxBytesReader(c.Response(), c.Request().Body, maxBodyBytes))
	if err != nil {
		return bodyError(err)
	}
	// The decoder would turn bytes that are not UTF-8 into U+FFFD, and a
	// name into another name: refused, as on the WebSocket.
	if !utf8.Valid(body) {
		return protocol.Errorf(protocol.CodeBadMessage, "That message is not valid UTF-8 text.")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return bodyError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return protocol.Errorf(protocol.CodeBadMessage, "Send one JSON object.")
	}
	return nil
}

// bodyError says what is wrong with a request body, naming the field at
// fault where the decoder knows it, in words and not Go's.
func bodyError(err error) error {
	var typeErr *json.UnmarshalTypeError
	var tooBig *http.MaxBytesError
	var refused *protocol.Error // a value's own refusal (the roles)
	switch {
	case errors.As(err, &refused):
		return refused
	case errors.As(err, &tooBig):
		return protocol.Errorf(protocol.CodeBadMessage, "The request body is longer than %d bytes.", maxBodyBytes)
	case errors.As(err, &typeErr) && typeErr.Field != "":
		return protocol.Errorf(protocol.CodeBadMessage, "The field %s must be %s.", clip(typeErr.Field, 64), jsonKind(typeErr.Type.Kind()))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.TrimPrefix(err.Error(), "json: unknown field ")
		return protocol.Errorf(protocol.CodeBadMessage, "There is no field %s. Leave it out.", clip(field, 64))
	}
	return protocol.Errorf(protocol.CodeBadMessage, "The request body is not the JSON expected: one object, as protocol/README.md shows.")
}

// jsonKind names a Go kind as the JSON value it decodes from.
func jsonKind(k reflect.Kind) string {
	switch k {
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	case reflect.Slice, reflect.Array:
		return "a list"
	}
	return "an object"
}

// clip shortens what a client sent before it is quoted back.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "") + "…"
}

// createLobby opens a lobby whose host is the delegate named in the body.
func (s *Server) createLobby(c echo.Context) error {
	// The settings left out keep their defaults: the body is decoded
	// over them.
	settings := protocol.SettingsOf(game.DefaultConfig(), protocol.DefaultMaxSpectators)
	req := protocol.CreateLobby{Settings: &settings}
	if err := decodeBody(c, &req); err != nil {
		return err
	}
	name, err := protocol.CleanName(req.Name)
	if err != nil {
		return err
	}
	if req.Settings != nil { // "settings": null is the defaults too
		settings = *req.Settings
	}
	if _, err := settings.Config(); err != nil {
		return err
	}
	r := c.Request()
	if !s.ips.create(s.clientIP(r), time.Now()) {
		return protocol.Errorf(protocol.CodeLobbyCap, "You have opened many lobbies lately. Wait a few minutes.")
	}
	base := s.baseURL(r)
	if base == "" {
		return protocol.Errorf(protocol.CodeBadMessage, "Reach the server by its name or address, as in an ordinary link.")
	}
	token, hash := newToken()
	// Without --base-url the lobby keeps no host of the creator's: its
	// links in WebSocket messages are relative, each reader's own
	// address completing them. Only the creator is answered with the
	// Host it sent.
	rec := lobby.Created(name, hash, req.Public, lobby.SettingsOf(settings), strings.TrimSuffix(s.opt.BaseURL, "/"), s.now())
	l, err := s.openLobby(rec)
	if err != nil {
		return err
	}
	link := base + "/l/" + l.code
	return c.JSON(http.StatusCreated, protocol.Created{Code: l.code, Link: link, WatchLink: link + "?watch=1", You: rec.Member, Token: token})
}

// openLobby registers a lobby under a new code, journals its created
// record and starts its goroutine. In a cluster the code is unique
// cluster-wide: this node takes its lease first, and a code that still
// has a log (a lobby waiting for an owner) refuses the created record.
func (s *Server) openLobby(rec lobby.Record) (*actor, error) {
	busy := protocol.Errorf(protocol.CodeServerBusy, "The server cannot open another lobby now. Try again later.")
	for range 5 {
		if s.draining.Load() {
			return nil, busy
		}
		l := newActor(s, "")
		if !s.lobbies.reserve(l, s.opt.Limits.MaxLobbies) {
			return nil, s.fullRefusal()
		}
		l.st, l.log = lobby.NewState(l.code, s.opt.NewBot), s.log.With("lobby", l.code)
		ctx, cancel := context.WithTimeout(context.Background(), s.opt.Limits.JournalTimeout)
		err := s.dir.open(ctx, l.code)
		cancel()
		if err != nil {
			s.lobbies.remove(l)
			if errors.Is(err, errCodeTaken) {
				continue
			}
			s.log.Warn("taking a new lobby's lease", "err", err)
			return nil, busy
		}
		// The goroutine has not started: commit runs here, alone.
		if err := l.commit(rec); err != nil {
			s.lobbies.remove(l)
			s.dir.abandon(l.code)
			if l.deposed {
				continue // the code has a log already
			}
			return nil, err
		}
		if !s.startLobby(l) {
			s.lobbies.remove(l)
			s.dir.abandon(l.code)
			return nil, busy
		}
		l.log.Info("lobby opened", "public", rec.Public)
		return l, nil
	}
	return nil, busy
}

// baseURL is where invite links point: Options.BaseURL, or else the
// scheme and host this request came by. The scheme is the connection's
// own unless a trusted proxy forwarded it (X-Forwarded-Proto); a header
// of anybody else is theirs to forge. A Host that is not a plain name or
// address with a port gives "".
func (s *Server) baseURL(r *http.Request) string {
	if s.opt.BaseURL != "" {
		return strings.TrimSuffix(s.opt.BaseURL, "/")
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if s.fromTrustedProxy(r) {
		switch p := strings.ToLower(strings.TrimSpace(r.Header.Get("X-Forwarded-Proto"))); p {
		case "http", "https":
			scheme = p
		}
	}
	if !validHost(r.Host) {
		return ""
	}
	return scheme + "://" + r.Host
}

// validHost reports whether h is a host name, an IPv4 address or a
// bracketed IPv6 address, with or without a port, and nothing else.
func validHost(h string) bool {
	if h == "" || len(h) > 255 {
		return false
	}
	name := h
	if host, port, err := net.SplitHostPort(h); err == nil {
		if _, err := strconv.ParseUint(port, 10, 16); err != nil {
			return false
		}
		if strings.Contains(host, ":") {
			_, err := netip.ParseAddr(host)
			return err == nil
		}
		name = host
	}
	if name == "" {
		return false
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.') {
			return false
		}
	}
	return true
}

// relink points a summary's links at base: without Options.BaseURL, the
// lobby's own links were made from whatever Host its creator sent, and
// a stranger reading the list must not be sent there.
func relink(sum *protocol.LobbySummary, base string) {
	if base != "" {
		sum.Link = base + "/l/" + sum.Code
		sum.WatchLink = sum.Link + "?watch=1"
	}
}

// fullRefusal answers a new lobby when the server holds all it may:
// lobbies nobody comes to close soonest, so that is when to come back.
func (s *Server) fullRefusal() error {
	lim := s.opt.Limits
	wait := lim.IdleLobby
	if lim.UnjoinedLobby > 0 {
		wait = min(wait, lim.UnjoinedLobby)
	}
	return &retryLater{protocol.Errorf(protocol.CodeServerBusy,
		"Every hall of the Congress is taken: the server has as many lobbies open as it can hold. Lobbies nobody comes to close within %s; try again then, or join a lobby from the list.", seconds(wait)), wait}
}

func (s *Server) listLobbies(c echo.Context) error {
	out := []protocol.LobbySummary{}
	for _, sum := range s.dir.list() {
		if sum.Public {
			out = append(out, sum)
		}
	}
	slices.SortFunc(out, func(a, b protocol.LobbySummary) int {
		if (a.State == protocol.LobbyOpen) != (b.State == protocol.LobbyOpen) {
			if a.State == protocol.LobbyOpen {
				return -1
			}
			return 1
		}
		if a.Delegates != b.Delegates {
			return b.Delegates - a.Delegates
		}
		return strings.Compare(a.Code, b.Code)
	})
	if len(out) > 100 {
		out = out[:100]
	}
	if s.opt.BaseURL == "" {
		base := s.baseURL(c.Request())
		for i := range out {
			relink(&out[i], base)
		}
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) getLobby(c echo.Context) error {
	ip := s.clientIP(c.Request())
	if refusal, wait := s.guesses.allow(ip, time.Now()); refusal != nil {
		s.metrics.refused(protocol.CodeRateLimited)
		s.holdRefusal(c.Request().Context().Done(), wait)
		return &retryLater{refusal, wait}
	}
	code := protocol.NormalizeCode(c.Param("code"))
	var sum *protocol.LobbySummary
	if protocol.ValidCode(code) {
		if l := s.lobbies.get(code); l != nil {
			sum = l.summary.Load()
		} else {
			sum = s.dir.lookup(code)
		}
	}
	if sum == nil {
		s.guesses.missed(ip, time.Now())
		return protocol.Errorf(protocol.CodeUnknownLobby, "There is no lobby %s.", clip(code, protocol.CodeLength*2))
	}
	out := *sum
	if s.opt.BaseURL == "" {
		relink(&out, s.baseURL(c.Request()))
	}
	return c.JSON(http.StatusOK, out)
}

// serveWS upgrades to a WebSocket and serves it on a goroutine of its
// own until it closes: the handler returns at once, so that net/http's
// goroutine, its deeper stack and its buffers are let go.
func (s *Server) serveWS(c echo.Context) error {
	r := c.Request()
	ip := s.clientIP(r)
	if !s.ips.acquire(ip) {
		s.metrics.refused(protocol.CodeTooManyConns)
		return protocol.Errorf(protocol.CodeTooManyConns, "Too many connections from your address.")
	}
	ws, nc, err := acceptWS(c.Response(), r, &websocket.AcceptOptions{
		OriginPatterns:  s.opt.Origins,
		CompressionMode: websocket.CompressionDisabled,
	}, s.opt.Limits.WriteTimeout)
	if err != nil {
		s.ips.release(ip)
		// Accept has answered (403 for a foreign origin).
		s.metrics.refused(protocol.CodeHandshake)
		s.log.Debug("websocket handshake refused", "err", err, "origin", r.Header.Get("Origin"))
		return nil
	}
	ws.SetReadLimit(protocol.MaxMessageBytes)
	cn := newConn(s, ws, wsTransport{ws: ws, nc: nc}, ip)
	if !s.addConn(cn) {
		s.ips.release(ip)
		// The server is closing: say so, as to everyone else.
		cn.sendBack(restartMessage, false)
		<-cn.written
		return nil
	}
	go func() {
		defer s.ips.release(ip)
		defer s.removeConn(cn)
		cn.serve()
	}()
	return nil
}

// serveIndex serves the client's page for an invite link.
func (s *Server) serveIndex(c echo.Context) error {
	return serveFile(c, "index.html")
}

// serveTV serves the client's TV page of a lobby: its public table in
// large type, for a screen the room watches.
func (s *Server) serveTV(c echo.Context) error {
	return serveFile(c, "tv.html")
}

// serveClient serves the client's files.
func (s *Server) serveClient(c echo.Context) error {
	name := strings.TrimPrefix(c.Request().URL.Path, "/")
	if name == "" {
		name = "index.html"
	}
	return serveFile(c, name)
}

func serveFile(c echo.Context, name string) error {
	if !fs.ValidPath(name) {
		return echo.ErrNotFound
	}
	st, err := fs.Stat(webclient.FS, name)
	if err != nil || st.IsDir() {
		return echo.ErrNotFound
	}
	f, err := webclient.FS.Open(name)
	if err != nil {
		return echo.ErrNotFound
	}
	defer f.Close()
	rs, ok := f.(io.ReadSeeker)
	if !ok {
		return echo.ErrNotFound
	}
	if name == "index.html" || name == "tv.html" {
		c.Response().Header().Set("Cache-Control", "no-cache")
	}
	http.ServeContent(c.Response(), c.Request(), name, st.ModTime(), rs)
	return nil
}
