// Package wire is the Jupyter messaging protocol's wire format (protocol version 5.3): the
// connection file, message headers, HMAC-SHA256 signatures, and the multipart framing
// [identities..., "<IDS|MSG>", signature, header, parent_header, metadata, content, buffers...]
// that a kernel sends and receives over ZeroMQ.
package wire

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"
)

// Version is the messaging protocol version huntkit speaks.
const Version = "5.3"

// Delimiter separates the routing identities from the message frames.
const Delimiter = "<IDS|MSG>"

// ErrMalformed is returned (wrapped) for a message that is not a Jupyter message.
var ErrMalformed = errors.New("malformed Jupyter message")

// ErrSignature is returned (wrapped) when a message's signature does not match the key.
var ErrSignature = errors.New("bad message signature")

// Connection is a kernel's connection file: where its five sockets listen and the key that
// signs messages.
type Connection struct {
	Transport       string `json:"transport"`
	IP              string `json:"ip"`
	ShellPort       int    `json:"shell_port"`
	ControlPort     int    `json:"control_port"`
	IOPubPort       int    `json:"iopub_port"`
	StdinPort       int    `json:"stdin_port"`
	HBPort          int    `json:"hb_port"`
	Key             string `json:"key"`
	SignatureScheme string `json:"signature_scheme"`
	KernelName      string `json:"kernel_name,omitempty"`
}

// ReadConnection reads and checks a connection file.
func ReadConnection(path string) (Connection, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Connection{}, fmt.Errorf("connection file: %w", err)
	}
	return ParseConnection(path, data)
}

// ParseConnection decodes a connection file's JSON (name is used in errors) and checks it:
// tcp transport, an IP, and a signature scheme huntkit can check (hmac-sha256, or none
// with an empty key).
func ParseConnection(name string, data []byte) (Connection, error) {
	var c Connection
	if err := json.Unmarshal(data, &c); err != nil {
		return c, fmt.Errorf("connection file %s: %w", name, err)
	}
	if c.Transport == "" {
		c.Transport = "tcp"
	}
	if c.Transport != "tcp" {
		return c, fmt.Errorf("connection file %s: transport %q is not supported (want tcp)", name, c.Transport)
	}
	if c.IP == "" {
		c.IP = "127.0.0.1"
	}
	if c.SignatureScheme == "" {
		c.SignatureScheme = "hmac-sha256"
	}
	if c.SignatureScheme != "hmac-sha256" {
		return c, fmt.Errorf("connection file %s: signature_scheme %q is not supported (want hmac-sha256)", name, c.SignatureScheme)
	}
	for _, p := range []struct {
		name string
		port int
	}{{"shell_port", c.ShellPort}, {"control_port", c.ControlPort}, {"iopub_port", c.IOPubPort}, {"stdin_port", c.StdinPort}, {"hb_port", c.HBPort}} {
		if p.port < 0 || p.port > 65535 {
			return c, fmt.Errorf("connection file %s: %s %d out of range", name, p.name, p.port)
		}
	}
	return c, nil
}

// Endpoint returns the ZeroMQ endpoint of a port ("tcp://127.0.0.1:5555").
func (c Connection) Endpoint(port int) string {
	return fmt.Sprintf("%s://%s:%d", c.Transport, c.IP, port)
}

// Header is a message header (and a parent header).
type Header struct {
	MsgID    string `json:"msg_id"`
	Session  string `json:"session"`
	Username string `json:"username"`
	Date     string `json:"date"`
	MsgType  string `json:"msg_type"`
	Version  string `json:"version"`
}

// Message is one Jupyter message. Parent is nil when the message answers nothing; Content
// is any JSON value (a map or struct when sending, raw JSON when received).
type Message struct {
	Identities [][]byte
	Header     Header
	Parent     *Header
	Metadata   map[string]any
	Content    any
	Buffers    [][]byte
}

// NewID returns a random message or session id (32 hex digits).
func NewID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("wire: no randomness: " + err.Error()) // crypto/rand does not fail on supported systems
	}
	return hex.EncodeToString(b[:])
}

// Reply returns a message of type msgType answering parent: the parent's identities (so a
// ROUTER socket routes it back) and session, parent's header as the parent header.
func Reply(parent *Message, msgType string, content any) *Message {
	m := &Message{
		Header:   Header{MsgID: NewID(), MsgType: msgType, Version: Version, Date: time.Now().UTC().Format(time.RFC3339Nano)},
		Metadata: map[string]any{},
		Content:  content,
	}
	if parent != nil {
		m.Identities = parent.Identities
		m.Header.Session = parent.Header.Session
		m.Header.Username = parent.Header.Username
		h := parent.Header
		m.Parent = &h
	}
	if m.Header.Username == "" {
		m.Header.Username = "huntkit"
	}
	return m
}

// Signer signs and checks messages with a connection's key (no key: no signatures).
type Signer struct{ key []byte }

// NewSigner returns a Signer for key.
func NewSigner(key string) *Signer { return &Signer{key: []byte(key)} }

// Sign returns the hex HMAC-SHA256 of the four JSON parts ("" when there is no key).
func (s *Signer) Sign(parts ...[]byte) string {
	if len(s.key) == 0 {
		return ""
	}
	mac := hmac.New(sha256.New, s.key)
	for _, p := range parts {
		mac.Write(p)
	}
	return hex.EncodeToString(mac.Sum(nil))
}

// Encode returns the message's frames, signed.
func (s *Signer) Encode(m *Message) ([][]byte, error) {
	header, err := json.Marshal(m.Header)
	if err != nil {
		return nil, fmt.Errorf("encode header: %w", err)
	}
	parent := []byte("{}")
	if m.Parent != nil {
		if parent, err = json.Marshal(m.Parent); err != nil {
			return nil, fmt.Errorf("encode parent header: %w", err)
		}
	}
	meta := m.Metadata
	if meta == nil {
		meta = map[string]any{}
	}
	metadata, err := json.Marshal(meta)
	if err != nil {
		return nil, fmt.Errorf("encode metadata: %w", err)
	}
	content := []byte("{}")
	if m.Content != nil {
		if content, err = json.Marshal(m.Content); err != nil {
			return nil, fmt.Errorf("encode %s content: %w", m.Header.MsgType, err)
		}
	}
	frames := make([][]byte, 0, len(m.Identities)+6+len(m.Buffers))
	frames = append(frames, m.Identities...)
	frames = append(frames, []byte(Delimiter), []byte(s.Sign(header, parent, metadata, content)), header, parent, metadata, content)
	return append(frames, m.Buffers...), nil
}

// Decode parses frames into a Message whose Content is json.RawMessage, checking the
// signature. Errors wrap ErrMalformed or ErrSignature.
func (s *Signer) Decode(frames [][]byte) (*Message, error) {
	i := 0
	for i < len(frames) && !bytes.Equal(frames[i], []byte(Delimiter)) {
		i++
	}
	if i == len(frames) {
		return nil, fmt.Errorf("%w: no %s delimiter", ErrMalformed, Delimiter)
	}
	if len(frames)-i < 6 {
		return nil, fmt.Errorf("%w: %d frames after the delimiter, want at least 5", ErrMalformed, len(frames)-i-1)
	}
	sig, header, parent, metadata, content := frames[i+1], frames[i+2], frames[i+3], frames[i+4], frames[i+5]
	if len(s.key) > 0 {
		want := s.Sign(header, parent, metadata, content)
		if !hmac.Equal([]byte(want), sig) {
			return nil, ErrSignature
		}
	}
	m := &Message{Identities: frames[:i], Buffers: frames[i+6:]}
	if err := json.Unmarshal(header, &m.Header); err != nil {
		return nil, fmt.Errorf("%w: header: %v", ErrMalformed, err)
	}
	if m.Header.MsgType == "" {
		return nil, fmt.Errorf("%w: header has no msg_type", ErrMalformed)
	}
	var p Header
	if len(bytes.TrimSpace(parent)) > 0 {
		if err := json.Unmarshal(parent, &p); err != nil {
			return nil, fmt.Errorf("%w: parent_header: %v", ErrMalformed, err)
		}
		if p.MsgID != "" {
			m.Parent = &p
		}
	}
	if len(bytes.TrimSpace(metadata)) > 0 {
		if err := json.Unmarshal(metadata, &m.Metadata); err != nil {
			return nil, fmt.Errorf("%w: metadata: %v", ErrMalformed, err)
		}
	}
	if !json.Valid(content) {
		return nil, fmt.Errorf("%w: content is not JSON", ErrMalformed)
	}
	m.Content = json.RawMessage(content)
	return m, nil
}

// Unmarshal decodes a received message's content into v.
func (m *Message) Unmarshal(v any) error {
	raw, ok := m.Content.(json.RawMessage)
	if !ok {
		b, err := json.Marshal(m.Content)
		if err != nil {
			return err
		}
		raw = b
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("%w: %s content: %v", ErrMalformed, m.Header.MsgType, err)
	}
	return nil
}
