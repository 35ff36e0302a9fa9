package elastic

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/huntkit/huntkit/provider/internal/remote"
)

// fail turns an error answer into an error: Elasticsearch's body is
// {"error":{"root_cause":[...],"type":"...","reason":"..."},"status":N}. 400 matches
// ErrQuery; 401, 429 and 5xx match remote.ErrAuth, ErrRateLimited and ErrServer.
func fail(code int, body io.Reader) error {
	b, _ := io.ReadAll(io.LimitReader(body, 16<<10))
	msg := reason(b)
	if msg == "" {
		msg = strings.TrimSpace(string(b))
		if len(msg) > 300 {
			msg = msg[:300] + "..."
		}
	}
	err := &remote.StatusError{Service: "elasticsearch", Code: code, Message: msg}
	if code == http.StatusBadRequest || code == http.StatusNotFound {
		return fmt.Errorf("%w: %w", ErrQuery, err)
	}
	return err
}

func reason(b []byte) string {
	var e struct {
		Error json.RawMessage `json:"error"`
	}
	if json.Unmarshal(b, &e) != nil || len(e.Error) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(e.Error, &s) == nil {
		return s
	}
	var o struct {
		Type      string `json:"type"`
		Reason    string `json:"reason"`
		RootCause []struct {
			Type   string `json:"type"`
			Reason string `json:"reason"`
		} `json:"root_cause"`
	}
	if json.Unmarshal(e.Error, &o) != nil {
		return ""
	}
	r := o.Type + ": " + o.Reason
	if len(o.RootCause) > 0 && o.RootCause[0].Reason != o.Reason {
		r += " (" + o.RootCause[0].Type + ": " + o.RootCause[0].Reason + ")"
	}
	return r
}
