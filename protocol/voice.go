package protocol

import (
	"reflect"
	"strings"

	"congress/game"
)

// Voice at the table (README.md, "Voice"): the audio travels over WebRTC
// between each client and the server only; these messages, on the game's
// WebSocket, set it up. The server always makes the offer; the client
// answers it.

// Voice message types.
const (
	TypeVoiceJoin   Type = "voice_join"   // client: enter the lobby's voice, with the mic or to listen
	TypeVoiceAnswer Type = "voice_answer" // client: the answer to the server's last voice_offer
	TypeVoiceMute   Type = "voice_mute"   // client: one's own mic muted or open (push-to-talk)
	TypeVoiceLeave  Type = "voice_leave"  // client: leave the voice
	TypeVoiceOffer  Type = "voice_offer"  // server: an SDP offer to answer
	TypeVoice       Type = "voice"        // server: the voice as this connection may know it
)

// Voice refusal codes.
const (
	CodeVoiceOff   Code = "voice_off"    // the lobby's voice is off, or this server carries none
	CodeVoiceFull  Code = "voice_full"   // the lobby or the server carries all the voices it can
	CodeNotInVoice Code = "not_in_voice" // join the voice first
	CodeInVoice    Code = "in_voice"     // already in the voice: leave first
	CodeBadSDP     Code = "bad_sdp"      // the answer does not fit the offer
)

// MaxSDPBytes bounds an SDP answer (the whole message stays within
// MaxMessageBytes).
const MaxSDPBytes = MaxMessageBytes - 256

// VoiceJoin enters the voice: Mic true sends one's microphone, false
// only listens.
type VoiceJoin struct {
	ID  int64  `json:"id"`
	Mic bool   `json:"mic"`
	Key string `json:"key,omitempty"` // accepted, as on every request; not kept
}

// VoiceAnswer answers the server's latest VoiceOffer.
type VoiceAnswer struct {
	ID  int64  `json:"id"`
	SDP string `json:"sdp"`
	Key string `json:"key,omitempty"` // accepted, as on every request; not kept
}

// VoiceMute mutes or opens one's own microphone; the server forwards
// nothing of a muted speaker.
type VoiceMute struct {
	ID    int64  `json:"id"`
	Muted bool   `json:"muted"`
	Key   string `json:"key,omitempty"` // accepted, as on every request; not kept
}

// VoiceLeave leaves the voice.
type VoiceLeave struct {
	ID  int64  `json:"id"`
	Key string `json:"key,omitempty"` // accepted, as on every request; not kept
}

func (VoiceJoin) clientType() Type   { return TypeVoiceJoin }
func (VoiceAnswer) clientType() Type { return TypeVoiceAnswer }
func (VoiceMute) clientType() Type   { return TypeVoiceMute }
func (VoiceLeave) clientType() Type  { return TypeVoiceLeave }

// ICEServer is a STUN or TURN server the client may use to reach the
// server's media, with its short-lived credentials.
type ICEServer struct {
	URLs       []string `json:"urls"`
	Username   string   `json:"username,omitempty"`
	Credential string   `json:"credential,omitempty"`
}

// VoiceOffer is the server's offer: answer it with VoiceAnswer.
type VoiceOffer struct {
	SDP        string      `json:"sdp"`
	ICEServers []ICEServer `json:"ice_servers"`
}

// Voice is the lobby's voice as this connection may know it, sent on
// every change: whether it is on, whether this connection is in it, its
// route (where its voice goes, what it hears, and why it may not speak
// on the floor), and who is in it.
type Voice struct {
	On     bool            `json:"on"`
	Joined bool            `json:"joined"`
	You    string          `json:"you,omitempty"` // this connection's stream ID`
	Mic    bool            `json:"mic"`
	Muted  bool            `json:"muted"`
	Route  game.VoiceRoute `json:"route"`
	Peers  []VoicePeer     `json:"peers"`
}

// VoicePeer is one client in the voice. Stream is the stream ID of its
// audio track in the offers; Hears is whether this connection hears it
// now (its own route and the peer's decide, as the server forwards).
type VoicePeer struct {
	Stream string `json:"stream"`
	Member string `json:"member,omitempty"` // "" for a spectator
	Name   string `json:"name"`
	Mic    bool   `json:"mic"`
	Muted  bool   `json:"muted"`
	Heard  bool   `json:"heard"`
}

func init() {
	for t, v := range map[Type]reflect.Type{
		TypeVoiceJoin:   reflect.TypeFor[VoiceJoin](),
		TypeVoiceAnswer: reflect.TypeFor[VoiceAnswer](),
		TypeVoiceMute:   reflect.TypeFor[VoiceMute](),
		TypeVoiceLeave:  reflect.TypeFor[VoiceLeave](),
	} {
		bodies[t] = v
	}
	required[TypeVoiceJoin] = []string{"id", "mic"}
	required[TypeVoiceAnswer] = []string{"id", "sdp"}
	required[TypeVoiceMute] = []string{"id", "muted"}
	required[TypeVoiceLeave] = []string{"id"}
	fieldHelp["mic"] = "true to speak, false to listen only"
	fieldHelp["sdp"] = "the answer's SDP"
	fieldHelp["muted"] = "true to mute one's microphone, false to open it"
}

// validateVoice checks a voice message's fields.
func validateVoice(m Client) (Client, error) {
	switch v := m.(type) {
	case VoiceJoin, VoiceMute, VoiceLeave:
		return v, nil
	case VoiceAnswer:
		if len(v.SDP) > MaxSDPBytes || !strings.HasPrefix(v.SDP, "v=0") {
			return nil, Errorf(CodeBadSDP, "That is not an SDP answer.")
		}
		return v, nil
	}
	return nil, Errorf(CodeUnknownType, "Unknown message type.")
}
