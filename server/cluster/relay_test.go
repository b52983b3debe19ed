package cluster

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"congress/protocol"
)

// TestRelayOpenRequestCarriesTheHello: the relay's open request carries the
// first message as the relay decoded it, a value the owner reads back
// with the request itself, not a client's bytes to decode again; a
// request with no first message, or two, is refused.
func TestRelayOpenRequestCarriesTheHello(t *testing.T) {
	hellos := []protocol.Client{
		protocol.Join{Lobby: "ABCDEF", Name: "Bukharin"},
		protocol.Resume{Lobby: "ABCDEF", Token: "tok"},
		protocol.Watch{Lobby: "ABCDEF", Name: "a reporter"},
		protocol.Watch{Lobby: "ABCDEF"},
	}
	for _, hello := range hellos {
		req, ok := openRequest{Session: "s1", Lobby: "ABCDEF", IP: "192.0.2.1"}.withHello(hello)
		require.True(t, ok, "%T", hello)
		data, err := json.Marshal(req)
		require.NoError(t, err)
		assert.NotContains(t, string(data), `"type"`, "a value, not a client's message")

		var got openRequest
		require.NoError(t, json.Unmarshal(data, &got))
		back, ok := got.hello()
		require.True(t, ok, "%s", data)
		assert.Equal(t, hello, back)
		assert.Equal(t, "192.0.2.1", got.IP)
	}

	_, ok := openRequest{}.withHello(protocol.Say{Text: "comrades"})
	assert.False(t, ok, "only a first message opens a session")

	tests := []struct {
		name string
		body string
	}{
		{"no first message", `{"session":"s1","lobby":"ABCDEF"}`},
		{"two", `{"session":"s1","lobby":"ABCDEF","join":{"lobby":"ABCDEF","name":"x"},"watch":{"lobby":"ABCDEF"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var req openRequest
			require.NoError(t, json.Unmarshal([]byte(tt.body), &req))
			_, ok := req.hello()
			assert.False(t, ok)
		})
	}
}
