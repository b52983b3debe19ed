package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromiumPath is Debian's chromium, which the browser tests drive.
const chromiumPath = "/usr/bin/chromium"

// artifacts is where the browser tests leave screenshots and logs.
const artifacts = "artifacts"

// needChromium skips the test when chromium is missing, or fails it when
// CI=true: CI installs chromium, so missing it there is a broken setup.
func needChromium(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err == nil {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is missing; CI must install chromium (apt-get install chromium)", chromiumPath)
	}
	t.Skipf("%s is missing; install chromium to run the browser tests", chromiumPath)
}

// browserServer is a real congress binary on a free port with a fresh
// data directory.
type browserServer struct {
	args []string // more flags for the server, set before start
	URL  string
	addr string
	bin  string
	data string
	log  *os.File
	cmd  *exec.Cmd
}

// startBrowserServer builds ./cmd/congress and runs it until the test ends.
func startBrowserServer(t *testing.T, args ...string) *browserServer {
	t.Helper()
	dir := t.TempDir()
	s := &browserServer{args: args, bin: buildCongress(t), data: filepath.Join(dir, "data"), addr: freeAddr(t)}
	// A --listen of the test's own (every address, say) is reached on its port.
	for i, a := range args {
		if a == "--listen" && i+1 < len(args) {
			if _, port, err := net.SplitHostPort(args[i+1]); err == nil {
				s.addr = "127.0.0.1:" + port
			}
		}
	}
	s.URL = "http://" + s.addr
	if err := os.MkdirAll(artifacts, 0o755); err != nil {
		t.Fatal(err)
	}
	log, err := os.Create(filepath.Join(artifacts, "server-"+t.Name()+".log"))
	if err != nil {
		t.Fatal(err)
	}
	s.log = log
	s.start(t)
	t.Cleanup(func() {
		s.stop(t)
		if t.Failed() {
			// CI keeps no artifacts: the server's last words go with the failure.
			if b, err := os.ReadFile(log.Name()); err == nil {
				lines := strings.Split(strings.TrimSpace(string(b)), "\n")
				t.Logf("the server's log, last lines:\n%s", strings.Join(lines[max(0, len(lines)-30):], "\n"))
			}
		}
		log.Close()
	})
	return s
}

func (s *browserServer) start(t *testing.T) {
	t.Helper()
	s.cmd = exec.Command(s.bin, append([]string{"--listen", s.addr, "--data", s.data, "--log-level", "warn"}, s.args...)...)
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("starting the server: %v", err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		res, err := http.Get(s.URL + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("the server did not become ready; see %s", s.log.Name())
}

// stop shuts the server down gracefully (SIGTERM) and waits for it.
func (s *browserServer) stop(t *testing.T) {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- s.cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		_ = s.cmd.Process.Kill()
		<-done
		t.Errorf("the server did not stop within 20s of SIGTERM")
	}
	s.cmd = nil
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// newBrowser starts one headless chromium with a fresh profile. Each
// user of the test gets a browser context of its own in it (own storage,
// own cookies), as separate people on separate machines would. Extra
// options (flags) go after the usual ones.
func newBrowser(t *testing.T, extra ...chromedp.ExecAllocatorOption) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	opts = append(opts, extra...)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	if err := chromedp.Do(ctx); err != nil {
		cancel()
		cancelAlloc()
		t.Fatalf("starting chromium: %v", err)
	}
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
	})
	return ctx
}

// page is one person's tab in a browser context of their own.
type page struct {
	t     *testing.T
	name  string
	ctx   context.Context
	phone bool
}

// openPage opens a tab in a new browser context, at a desktop size or,
// for a phone, 360 px wide with touch.
func openPage(t *testing.T, browser context.Context, name string, phone bool) *page {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	p := &page{t: t, name: name, ctx: ctx, phone: phone}
	view := chromedp.EmulateViewport(1280, 900)
	if phone {
		view = chromedp.EmulateViewport(360, 740, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch)
	}
	// The first Do opens the tab and binds it to the context it gets: no
	// timeout here, or the tab would close with it.
	if err := chromedp.Do(ctx, view); err != nil {
		t.Fatalf("%s: opening a tab: %v", name, err)
	}
	p.watchConsole()
	return p
}

// watchConsole fails the test on any uncaught exception in the page and
// on any violation of the Content-Security-Policy.
func (p *page) watchConsole() {
	msgs := chromedp.Console(p.ctx)
	go func() {
		for m, err := range msgs {
			if err != nil {
				return
			}
			text := m.String()
			switch {
			case m.IsException():
				p.t.Errorf("%s: uncaught exception in the page: %s (%s:%d)", p.name, text, m.URL, m.Line+1)
			case strings.Contains(text, "Content Security Policy"):
				p.t.Errorf("%s: CSP violation: %s", p.name, text)
			}
		}
	}()
}

// step bounds one browser action; generous, as the machine may be busy.
const step = 30 * time.Second

func (p *page) do(actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, step)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		p.fatalf("%v", err)
	}
}

// retry is do for input actions: a node can be replaced between the
// query and the action when the page re-renders, so a stale node is
// looked up again, a few times.
func (p *page) retry(actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	var err error
	for range 4 {
		ctx, cancel := context.WithTimeout(p.ctx, step)
		err = chromedp.Do(ctx, actions...)
		cancel()
		if err == nil || !strings.Contains(err.Error(), "node") {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if err != nil {
		p.fatalf("%v", err)
	}
}

func (p *page) fatalf(format string, args ...any) {
	p.t.Helper()
	p.shot("failure-" + p.name)
	p.t.Fatalf("%s: %s%s", p.name, fmt.Sprintf(format, args...), p.onScreen())
}

// onScreen is what the page shows of the lobby's news and notices, for
// a failure's message: a failure in CI leaves no screenshot behind.
func (p *page) onScreen() string {
	ctx, cancel := context.WithTimeout(p.ctx, 5*time.Second)
	defer cancel()
	said, err := chromedp.Run(ctx, chromedp.Evaluate[string](`[...document.querySelectorAll('#room-news, .notice, .banner, [role=alert]:not([hidden]), #conn')].map(e => (e.id === 'conn' ? 'connection ' + e.dataset.state + ': ' : '') + e.innerText.trim()).filter(Boolean).join(' | ')`))
	if err != nil || said == "" {
		return ""
	}
	return "; on screen: " + said
}

// eval runs a JavaScript expression and decodes its JSON value into out.
func (p *page) eval(expr string, out any) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, step)
	defer cancel()
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[[]byte](expr))
	if err != nil {
		p.fatalf("evaluating %s: %v", expr, err)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			p.fatalf("decoding %s: %v", raw, err)
		}
	}
}

func (p *page) text(expr string) string {
	p.t.Helper()
	var s string
	p.eval(expr, &s)
	return s
}

// wait polls a JavaScript condition until it holds.
func (p *page) wait(what, cond string, timeout time.Duration) {
	p.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		var ok bool
		p.eval("!!("+cond+")", &ok)
		if ok {
			return
		}
		if time.Now().After(deadline) {
			p.fatalf("waited %s for %s (%s)", timeout, what, cond)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// click presses an element with the mouse (or a finger on a phone).
func (p *page) click(sel string) {
	p.t.Helper()
	p.wait("clickable "+sel, fmt.Sprintf(`(e => e && !e.disabled && (e.scrollIntoView({block: 'center'}), true))(document.querySelector(%q))`, sel), step)
	if p.phone {
		p.retry(chromedp.Tap(chromedp.CSS(sel)))
	} else {
		p.retry(chromedp.Click(chromedp.CSS(sel)))
	}
}

// typeIn replaces a field's text by typing.
func (p *page) typeIn(sel, text string) {
	p.t.Helper()
	// Focused first, so that a re-render does not refill it meanwhile.
	p.wait("field "+sel, fmt.Sprintf(`(e => e && (e.focus(), e.select(), true))(document.querySelector(%q))`, sel), step)
	p.retry(chromedp.SendKeys(chromedp.CSS(sel), text))
}

func (p *page) navigate(url string) {
	p.t.Helper()
	p.do(chromedp.Navigate(url))
}

// shot writes a screenshot to artifacts/name.png: the whole page on a
// desktop, the screen from the top on a phone.
func (p *page) shot(name string) string {
	ctx, cancel := context.WithTimeout(p.ctx, step)
	defer cancel()
	// From the top, so that the sticky banner sits where it belongs.
	_ = chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0)`))
	shoot := chromedp.FullScreenshot(100)
	if p.phone {
		shoot = chromedp.CaptureScreenshot()
	}
	buf, err := chromedp.Run(ctx, shoot)
	if err != nil {
		p.t.Logf("%s: screenshot %s: %v", p.name, name, err)
		return ""
	}
	path := filepath.Join(artifacts, name+".png")
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		p.t.Logf("writing %s: %v", path, err)
	}
	return path
}

// copyScreenshots copies the README's screenshots from the artifacts to
// docs/screenshots when UPDATE_SCREENSHOTS=1.
func copyScreenshots(t *testing.T, names map[string]string) {
	if os.Getenv("UPDATE_SCREENSHOTS") != "1" {
		return
	}
	dst := filepath.Join("..", "docs", "screenshots")
	if err := os.MkdirAll(dst, 0o755); err != nil {
		t.Fatal(err)
	}
	for from, to := range names {
		b, err := os.ReadFile(filepath.Join(artifacts, from+".png"))
		if err != nil {
			t.Errorf("screenshot %s: %v", from, err)
			continue
		}
		if err := os.WriteFile(filepath.Join(dst, to+".png"), b, 0o644); err != nil {
			t.Error(err)
		}
	}
}

// flakyLine is a TCP proxy in front of the server that the test can cut,
// as a train goes into a tunnel: every open connection through it drops
// and new ones are refused until it is restored.
type flakyLine struct {
	URL    string
	ln     net.Listener
	target string
	mu     sync.Mutex
	down   bool
	conns  map[net.Conn]struct{}
}

func newFlakyLine(t *testing.T, target string) *flakyLine {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &flakyLine{URL: "http://" + ln.Addr().String(), ln: ln, target: target, conns: map[net.Conn]struct{}{}}
	go f.serve()
	t.Cleanup(func() {
		ln.Close()
		f.cut()
	})
	return f
}

func (f *flakyLine) serve() {
	for {
		c, err := f.ln.Accept()
		if err != nil {
			return
		}
		go f.pipe(c)
	}
}

func (f *flakyLine) pipe(c net.Conn) {
	f.mu.Lock()
	down := f.down
	f.mu.Unlock()
	if down {
		c.Close()
		return
	}
	s, err := net.Dial("tcp", f.target)
	if err != nil {
		c.Close()
		return
	}
	f.mu.Lock()
	f.conns[c], f.conns[s] = struct{}{}, struct{}{}
	f.mu.Unlock()
	done := make(chan struct{}, 2)
	go func() { _, _ = io.Copy(s, c); done <- struct{}{} }()
	go func() { _, _ = io.Copy(c, s); done <- struct{}{} }()
	<-done
	c.Close()
	s.Close()
	f.mu.Lock()
	delete(f.conns, c)
	delete(f.conns, s)
	f.mu.Unlock()
}

// cut drops every connection and refuses new ones.
func (f *flakyLine) cut() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.down = true
	for c := range f.conns {
		c.Close()
	}
}

// restore lets connections through again.
func (f *flakyLine) restore() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.down = false
}

// convene opens a private lobby from the front page as the host name and
// returns the host's page, in the lobby room, and the lobby's code.
func convene(t *testing.T, browser context.Context, srv *browserServer, name string) (*page, string) {
	t.Helper()
	host := openPage(t, browser, name, false)
	host.navigate(srv.URL + "/")
	host.wait("the front page", `document.getElementById('create')`, step)
	host.typeIn("#create-name", name)
	host.click("#create")
	host.wait("the lobby room", `document.querySelectorAll('.member[data-member]').length === 1`, step)
	return host, host.text(`location.pathname.split('/').pop()`)
}

// changeOrders makes the host's changes to the standing orders in one
// breath, in order, as fast as a script can: each is sent before the
// server has answered the one before. A checkbox takes "true" or "false".
func (p *page) changeOrders(orders ...[2]string) {
	p.t.Helper()
	js, err := json.Marshal(orders)
	if err != nil {
		p.fatalf("orders %v: %v", orders, err)
	}
	p.eval(`(orders => {
		for (const [k, v] of orders) {
			const i = document.getElementById("set-" + k);
			if (i.type === "checkbox") i.checked = v === "true";
			else i.value = v;
			i.dispatchEvent(new Event("change"));
		}
		return true;
	})(`+string(js)+`)`, nil)
}

// addBots seats n bots of strength ("normal" or "easy") from the host's
// page, one at a time.
func (p *page) addBots(strength string, n int) {
	p.t.Helper()
	have := 0
	p.eval(`document.querySelectorAll('.member[data-bot="true"]').length`, &have)
	for i := range n {
		p.click(`[data-key="bot-` + strength + `"]`)
		p.wait("a bot seated", fmt.Sprintf(`document.querySelectorAll('.member[data-bot="true"]').length === %d`, have+i+1), step)
	}
}
