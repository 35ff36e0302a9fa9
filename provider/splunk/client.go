package splunk

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

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
	resp, err := d.set.Retry.Do(ctx, d.client, func() (*http.Request, error) {
		req, err := http.NewRequest(http.MethodPost, d.set.BaseURL+"/services/auth/login", strings.NewReader(form.Encode()))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return req, nil
	})
	if err != nil {
		return fmt.Errorf("splunk login: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return remote.Fail("splunk login", resp, errText)
	}
	defer resp.Body.Close()
	var body struct {
		SessionKey string `json:"sessionKey"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&body); err != nil || body.SessionKey == "" {
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

// do sends a request (form-encoded for POST) with authentication and returns a 2xx
// response. A 429 is retried as Retry-After says; a 401 with a session opens a new session
// once (sessions expire) and sends the request again; other failures are *remote.StatusError.
func (d *Driver) do(ctx context.Context, method, path string, form url.Values) (*http.Response, error) {
	for attempt := 0; ; attempt++ {
		authz, err := d.auth(ctx)
		if err != nil {
			return nil, err
		}
		resp, err := d.set.Retry.Do(ctx, d.client, func() (*http.Request, error) {
			var body io.Reader
			u := d.set.BaseURL + path
			if method == http.MethodPost {
				body = strings.NewReader(form.Encode())
			} else if len(form) > 0 {
				u += "?" + form.Encode()
			}
			req, err := http.NewRequest(method, u, body)
			if err != nil {
				return nil, err
			}
			if body != nil {
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			req.Header.Set("Authorization", authz)
			return req, nil
		})
		if err != nil {
			return nil, fmt.Errorf("splunk %s: %w", path, err)
		}
		if resp.StatusCode == http.StatusUnauthorized && d.set.Token == "" && attempt == 0 {
			remote.Drain(resp)
			d.mu.Lock()
			d.session = ""
			d.mu.Unlock()
			continue
		}
		if resp.StatusCode/100 != 2 {
			return nil, remote.Fail("splunk", resp, errText)
		}
		return resp, nil
	}
}
