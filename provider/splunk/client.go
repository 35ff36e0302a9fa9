package splunk

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/huntkit/huntkit/internal/httpretry"

	"github.com/huntkit/huntkit/provider/internal/remote"
)

// messages is Splunk's error body: {"messages":[{"type":"ERROR","text":"..."}]}.
type messages struct {
	Messages []struct {
		Type string `json:"type"`
		Text string `json:"text"`
	} `json:"messages"`
}

func (m messages) text(types ...string) string {
	var out []string
	for _, x := range m.Messages {
		for _, t := range types {
			if strings.EqualFold(x.Type, t) {
				out = append(out, x.Text)
			}
		}
	}
	return strings.Join(out, "; ")
}

// errText extracts the message of an error body.
func errText(b []byte) string {
	var m messages
	if json.Unmarshal(b, &m) == nil {
		return m.text("FATAL", "ERROR", "WARN")
	}
	return ""
}

// login opens a session with the user name and password (auth/login).
func (d *Driver) login(ctx context.Context) error {
	form := url.Values{"username": {d.set.Username}, "password": {d.set.Password}, "output_mode": {"json"}}
	resp, err := d.client.Do(ctx, httpretry.Request{Method: http.MethodPost, URL: d.set.BaseURL + "/services/auth/login",
		Header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}, Body: []byte(form.Encode()), Idempotent: true})
	if err != nil {
		return fmt.Errorf("splunk login: %w", err)
	}
	var body struct {
		SessionKey string `json:"sessionKey"`
	}
	if err := json.Unmarshal(resp.Body, &body); err != nil || body.SessionKey == "" {
		return fmt.Errorf("splunk login: %w: no sessionKey in the answer", remote.ErrMalformed)
	}
	d.mu.Lock()
	d.session = body.SessionKey
	d.mu.Unlock()
	return nil
}

// auth returns the Authorization header, opening a session first when needed.
func (d *Driver) auth(ctx context.Context) (string, error) {
	if d.set.Token != "" {
		return "Bearer " + d.set.Token, nil
	}
	d.mu.Lock()
	key := d.session
	d.mu.Unlock()
	if key == "" {
		if err := d.login(ctx); err != nil {
			return "", err
		}
		d.mu.Lock()
		key = d.session
		d.mu.Unlock()
	}
	return "Splunk " + key, nil
}

// do sends a request (form-encoded for POST) with authentication through the shared
// retrying client and returns the body of its 2xx answer, unread (the caller closes it).
// 429 waits as Retry-After says and 5xx is retried with backoff (searches are read-only); a
// 401 with a session opens a new session once (sessions expire) and sends the request
// again; other failures are *remote.StatusError.
func (d *Driver) do(ctx context.Context, method, path string, form url.Values) (io.ReadCloser, error) {
	for attempt := 0; ; attempt++ {
		authz, err := d.auth(ctx)
		if err != nil {
			return nil, err
		}
		r := httpretry.Request{Method: method, URL: d.set.BaseURL + path, Idempotent: true, Stream: true,
			Header: http.Header{"Authorization": {authz}}}
		if method == http.MethodPost {
			r.Body = []byte(form.Encode())
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		} else if len(form) > 0 {
			r.URL += "?" + form.Encode()
		}
		resp, err := d.client.Do(ctx, r)
		if remote.IsStatus(err, http.StatusUnauthorized) && d.set.Token == "" && attempt == 0 {
			d.mu.Lock()
			d.session = ""
			d.mu.Unlock()
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("splunk %s: %w", path, err)
		}
		return resp.Stream, nil
	}
}
