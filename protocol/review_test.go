package protocol

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDecodeReview(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		want     Client
		wantCode Code
	}{
		{"start", `{"v":1,"type":"review","id":1,"action":"start","step":-1,"viewer":"all"}`, Review{ID: 1, Action: ReviewStart, Step: -1, Viewer: ViewerAll}, ""},
		{"step to a seat", `{"v":1,"type":"review","id":2,"action":"step","step":14,"viewer":"3"}`, Review{ID: 2, Action: ReviewStep, Step: 14, Viewer: "3"}, ""},
		{"step to the gallery", `{"v":1,"type":"review","id":2,"action":"step","step":0,"viewer":"gallery","key":"k1"}`, Review{ID: 2, Key: "k1", Action: ReviewStep, Step: 0, Viewer: ViewerGallery}, ""},
		{"end", `{"v":1,"type":"review","id":3,"action":"end"}`, Review{ID: 3, Action: ReviewEnd}, ""},

		{"no action", `{"v":1,"type":"review","id":1}`, nil, CodeBadMessage},
		{"unknown action", `{"v":1,"type":"review","id":1,"action":"rewind"}`, nil, CodeBadMessage},
		{"start without a step", `{"v":1,"type":"review","id":1,"action":"start","viewer":"all"}`, nil, CodeBadMessage},
		{"step without a viewer", `{"v":1,"type":"review","id":1,"action":"step","step":2}`, nil, CodeBadMessage},
		{"before the deal", `{"v":1,"type":"review","id":1,"action":"step","step":-2,"viewer":"all"}`, nil, CodeBadMessage},
		{"past any match", `{"v":1,"type":"review","id":1,"action":"step","step":2000000,"viewer":"all"}`, nil, CodeBadMessage},
		{"no such point of view", `{"v":1,"type":"review","id":1,"action":"step","step":2,"viewer":"kremlin"}`, nil, CodeBadMessage},
		{"a seat past any table", `{"v":1,"type":"review","id":1,"action":"step","step":2,"viewer":"12"}`, nil, CodeBadMessage},
		{"a seat spelt oddly", `{"v":1,"type":"review","id":1,"action":"step","step":2,"viewer":"03"}`, nil, CodeBadMessage},
		{"a step as a string", `{"v":1,"type":"review","id":1,"action":"step","step":"2","viewer":"all"}`, nil, CodeBadMessage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Decode([]byte(tt.in))
			if tt.wantCode != "" {
				var e *Error
				require.ErrorAs(t, err, &e)
				assert.Equal(t, tt.wantCode, e.Code, e.Message)
				assert.NotEmpty(t, e.Message)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, TypeReview, got.clientType())
		})
	}
}
