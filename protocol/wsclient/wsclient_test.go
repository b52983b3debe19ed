package wsclient

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"congress/game"
	"congress/protocol"
)

func TestTypeOf(t *testing.T) {
	tests := []struct {
		name string
		data string
		want protocol.Type
	}{
		{"as Encode writes it", string(protocol.Encode(protocol.TypeAck, protocol.Ack{ID: 3})), protocol.TypeAck},
		{"a game", string(protocol.Encode(protocol.TypeGame, protocol.Game{})), protocol.TypeGame},
		{"type not first", `{"v":1,"type":"chat"}`, protocol.TypeChat},
		{"spaces", `{ "type" : "lobby" }`, protocol.TypeLobby},
		{"a type this client does not know", `{"type":"news","v":1}`, "news"},
		{"no type", `{"v":1}`, Unparsable},
		{"not JSON", `type=game`, Unparsable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, TypeOf([]byte(tt.data)))
		})
	}
}

func TestWithID(t *testing.T) {
	for _, m := range []protocol.Client{
		protocol.Act{Kind: game.CmdReady}, protocol.Say{Text: "x"}, protocol.Host{Action: protocol.HostStart},
		protocol.Leave{}, protocol.Knock{Name: "Olga"},
	} {
		var body struct {
			ID int64 `json:"id"`
		}
		require.NoError(t, json.Unmarshal(protocol.EncodeClient(WithID(m, 42)), &body))
		assert.Equal(t, int64(42), body.ID, "%T", m)
	}
	hello := protocol.Join{Lobby: "K7QXM2", Name: "Anna"}
	assert.Equal(t, protocol.Client(hello), WithID(hello, 42), "a hello has no ID")
}

// fakeServer welcomes a join, floods a watch with 5,000 chat lines; answers an act with a game message and
// its ack, a say with a refusal, and closes on leave.
func fakeServer(t *testing.T) *httptest.Server {
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/lobbies" {
			w.WriteHeader(http.StatusTooManyRequests)
			_ = json.NewEncoder(w).Encode(protocol.Problem{Code: protocol.CodeLobbyCap, Message: "Enough."})
			return
		}
		ws, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer ws.CloseNow()
		ctx := r.Context()
		send := func(tp protocol.Type, body any) { _ = ws.Write(ctx, websocket.MessageText, protocol.Encode(tp, body)) }
		for {
			_, data, err := ws.Read(ctx)
			if err != nil {
				return
			}
			m, err := protocol.Decode(data)
			if err != nil {
				send(protocol.TypeError, protocol.Refused{Code: protocol.CodeBadMessage, Message: err.Error()})
				continue
			}
			switch m := m.(type) {
			case protocol.Join:
				send(protocol.TypeChat, protocol.ChatLine{Text: "before"})
				send(protocol.TypeWelcome, protocol.Welcome{You: "m1", Token: "secret"})
			case protocol.Act:
				send(protocol.TypeAck, protocol.Ack{ID: m.ID + 100}) // someone else's
				send(protocol.TypeGame, protocol.Game{Log: []game.Event{}})
				send(protocol.TypeAck, protocol.Ack{ID: m.ID})
			case protocol.Say:
				send(protocol.TypeError, protocol.Refused{ID: m.ID, Code: protocol.CodeRateLimited, Message: "Slow down."})
			case protocol.Watch:
				for range 5000 {
					send(protocol.TypeChat, protocol.ChatLine{Text: "again"})
				}
			case protocol.Leave:
				ws.Close(websocket.StatusNormalClosure, "bye")
				return
			}
		}
	}))
	t.Cleanup(s.Close)
	return s
}

func TestConn(t *testing.T) {
	s := fakeServer(t)
	ctx := t.Context()
	var observed []protocol.Type
	c, err := Open(ctx, s.URL, Options{Wait: 2 * time.Second, Observe: func(m Msg) { observed = append(observed, m.Type) }})
	require.NoError(t, err)
	defer c.CloseNow()

	w, err := c.Hello(ctx, protocol.Join{Lobby: "K7QXM2", Name: "Anna"})
	require.NoError(t, err)
	assert.Equal(t, "m1", w.You)
	assert.Equal(t, []protocol.Type{protocol.TypeChat, protocol.TypeWelcome}, observed)

	got, refused, err := c.Do(ctx, protocol.Act{Kind: game.CmdReady})
	require.NoError(t, err)
	assert.Nil(t, refused)
	var types []protocol.Type
	for _, m := range got {
		types = append(types, m.Type)
	}
	assert.Equal(t, []protocol.Type{protocol.TypeAck, protocol.TypeGame}, types, "the messages before the answer, another request's ack among them")

	_, refused, err = c.Do(ctx, protocol.Say{Channel: game.ChannelPublic, Text: "x"})
	require.NoError(t, err)
	require.NotNil(t, refused)
	assert.Equal(t, protocol.CodeRateLimited, refused.Code)
	assert.Equal(t, int64(2), refused.ID, "IDs count up per connection")

	require.NoError(t, c.Send(ctx, protocol.Leave{ID: 9}))
	select {
	case <-c.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("not closed")
	}
	_, err = c.Next()
	require.Error(t, err)
	assert.NotErrorIs(t, err, ErrTimeout)
	assert.Equal(t, websocket.StatusNormalClosure, c.CloseStatus())
}

func TestConnTimeout(t *testing.T) {
	s := fakeServer(t)
	c, err := Open(t.Context(), s.URL, Options{Wait: 50 * time.Millisecond})
	require.NoError(t, err)
	defer c.CloseNow()
	_, err = c.Next()
	assert.ErrorIs(t, err, ErrTimeout)
}

func TestHelloRefused(t *testing.T) {
	s := fakeServer(t)
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	ws, err := Dial(ctx, s.URL, nil, 0)
	require.NoError(t, err)
	defer ws.CloseNow()
	_, err = Hello(ctx, ws, protocol.Resume{Lobby: "K7QXM2"}) // no token: bad_message
	var ref *RefusedError
	require.True(t, errors.As(err, &ref), "%v", err)
	assert.Equal(t, protocol.CodeBadMessage, ref.Code)
}

func TestCreateLobbyRefused(t *testing.T) {
	s := fakeServer(t)
	_, err := CreateLobby(t.Context(), nil, s.URL, protocol.CreateLobby{Name: "Anna"})
	var ref *RefusedError
	require.True(t, errors.As(err, &ref), "%v", err)
	assert.Equal(t, protocol.CodeLobbyCap, ref.Code)
	assert.Contains(t, ref.Message, "HTTP 429")
}

func TestWSURL(t *testing.T) {
	assert.Equal(t, "ws://127.0.0.1:8080/ws", WSURL("http://127.0.0.1:8080"))
	assert.Equal(t, "wss://congress.example.org/ws", WSURL("https://congress.example.org"))
}

// TestCloseNowWithFullQueue: a connection closes even when nobody read
// what filled its queue.
func TestCloseNowWithFullQueue(t *testing.T) {
	s := fakeServer(t)
	c, err := Open(t.Context(), s.URL, Options{})
	require.NoError(t, err)
	require.NoError(t, c.Send(t.Context(), protocol.Watch{Lobby: "K7QXM2"}))
	require.Eventually(t, func() bool { return len(c.Queue()) == cap(c.Queue()) }, 10*time.Second, 10*time.Millisecond)
	closed := make(chan struct{})
	go func() { c.CloseNow(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
		t.Fatal("CloseNow waits for a reader stuck on a full queue")
	}
}
