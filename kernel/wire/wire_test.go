package wire

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestEncodeDecodeRoundTrip(t *testing.T) {
	s := NewSigner("secret-key")
	parent := &Message{Identities: [][]byte{[]byte("client-1")}, Header: Header{MsgID: "p1", Session: "sess", Username: "ana", MsgType: "execute_request", Version: Version}}
	m := Reply(parent, "execute_reply", map[string]any{"status": "ok", "execution_count": 3})
	frames, err := s.Encode(m)
	if err != nil {
		t.Fatal(err)
	}
	if string(frames[0]) != "client-1" || string(frames[1]) != Delimiter {
		t.Fatalf("frames start %q %q", frames[0], frames[1])
	}
	got, err := s.Decode(frames)
	if err != nil {
		t.Fatal(err)
	}
	if got.Header.MsgType != "execute_reply" || got.Parent == nil || got.Parent.MsgID != "p1" || got.Header.Session != "sess" {
		t.Fatalf("decoded %+v parent %+v", got.Header, got.Parent)
	}
	var c struct {
		Status string `json:"status"`
		Count  int    `json:"execution_count"`
	}
	if err := got.Unmarshal(&c); err != nil || c.Status != "ok" || c.Count != 3 {
		t.Fatalf("content %+v %v", c, err)
	}
}

// TestSignatureKnownValue checks the HMAC against a value computed independently
// (python3 -c "import hmac,hashlib; print(hmac.new(b'key', b'{}{}{}{}', hashlib.sha256).hexdigest())").
func TestSignatureKnownValue(t *testing.T) {
	got := NewSigner("key").Sign([]byte("{}"), []byte("{}"), []byte("{}"), []byte("{}"))
	const want = "ca767b02c5bc061ed184a9a029e7f93a7f2f7ed4e8fe74120fc1212f0b008fa3"
	if got != want {
		t.Fatalf("signature %q, want %q", got, want)
	}
	if NewSigner("").Sign([]byte("x")) != "" {
		t.Fatal("no key should give an empty signature")
	}
}

func TestDecodeRejects(t *testing.T) {
	s := NewSigner("k")
	good, err := s.Encode(Reply(nil, "status", map[string]string{"execution_state": "idle"}))
	if err != nil {
		t.Fatal(err)
	}
	tampered := append([][]byte(nil), good...)
	tampered[5] = []byte(`{"execution_state":"busy"}`)
	cases := []struct {
		name   string
		frames [][]byte
		want   error
	}{
		{"no delimiter", [][]byte{[]byte("a"), []byte("b")}, ErrMalformed},
		{"too few frames", [][]byte{[]byte(Delimiter), []byte("sig"), []byte("{}")}, ErrMalformed},
		{"tampered content", tampered, ErrSignature},
		{"bad header", func() [][]byte {
			h := []byte("not json")
			sig := s.Sign(h, []byte("{}"), []byte("{}"), []byte("{}"))
			return [][]byte{[]byte(Delimiter), []byte(sig), h, []byte("{}"), []byte("{}"), []byte("{}")}
		}(), ErrMalformed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := s.Decode(c.frames); !errors.Is(err, c.want) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
		})
	}
}

func TestParseConnection(t *testing.T) {
	dir := t.TempDir()
	good := `{"shell_port": 5001, "iopub_port": 5002, "stdin_port": 5003, "control_port": 5004, "hb_port": 5005,
	  "ip": "127.0.0.1", "key": "abc", "transport": "tcp", "signature_scheme": "hmac-sha256", "kernel_name": "huntkit"}`
	p := filepath.Join(dir, "kernel.json")
	if err := os.WriteFile(p, []byte(good), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := ReadConnection(p)
	if err != nil {
		t.Fatal(err)
	}
	if c.ShellPort != 5001 || c.HBPort != 5005 || c.Key != "abc" || c.Endpoint(c.ShellPort) != "tcp://127.0.0.1:5001" {
		t.Fatalf("%+v", c)
	}
	for _, bad := range []string{`{`, `{"transport":"ipc"}`, `{"signature_scheme":"hmac-md5"}`, `{"shell_port": 70000}`} {
		if _, err := ParseConnection("x.json", []byte(bad)); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
	if _, err := ReadConnection(filepath.Join(dir, "missing.json")); err == nil {
		t.Error("missing file: no error")
	}
}

func FuzzDecode(f *testing.F) {
	s := NewSigner("")
	good, _ := s.Encode(Reply(nil, "kernel_info_request", map[string]any{}))
	b, _ := json.Marshal(good)
	f.Add(b)
	f.Add([]byte(`[["<IDS|MSG>"]]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var frames [][]byte
		if json.Unmarshal(data, &frames) != nil {
			return
		}
		m, err := s.Decode(frames)
		if err == nil && m.Header.MsgType == "" {
			t.Fatal("decoded a message without a type")
		}
	})
}
