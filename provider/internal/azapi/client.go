package azapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"golang.org/x/time/rate"

	"github.com/huntkit/huntkit/azauth"
	"github.com/huntkit/huntkit/provider/internal/remote"
)

// ErrTimeout is wrapped when a call ran out of time (the timeout option or the server's).
var ErrTimeout = errors.New("timed out")

// Client calls one service through azcore's pipeline: bearer token for the service's
// scope, retries of 408/429/5xx (a 429's Retry-After honoured up to a minute), and an
// optional per-tenant call rate shared by every client of the same host in the process.
type Client struct {
	name string // service name in errors, e.g. "MDE"
	svc  Service
	pl   *azcore.Client
	lim  *rate.Limiter
}

// NewClient makes a client for svc signed in with cred; perMinute > 0 keeps calls to that
// many per minute (with a burst of as many) for every client of svc's host.
func NewClient(name string, svc Service, cred azcore.TokenCredential, as azauth.Settings, perMinute int) (*Client, error) {
	co, err := azauth.ClientOptions(as.Cloud, as.CAFile)
	if err != nil {
		return nil, err
	}
	co.Retry.MaxRetryDelay = time.Minute
	pl, err := azcore.NewClient("huntkit."+strings.ToLower(name), "v1.0.0", runtime.PipelineOptions{
		PerRetry: []policy.Policy{runtime.NewBearerTokenPolicy(cred, []string{svc.Scope}, nil)},
	}, &co)
	if err != nil {
		return nil, fmt.Errorf("%s client: %w", name, err)
	}
	c := &Client{name: name, svc: svc, pl: pl}
	if perMinute > 0 {
		c.lim = limiter(svc.Endpoint, perMinute)
	}
	return c, nil
}

// Service returns the client's endpoint and scope.
func (c *Client) Service() Service { return c.svc }

var limiters sync.Map // host -> *rate.Limiter

func limiter(endpoint string, perMinute int) *rate.Limiter {
	host := endpoint
	if u, err := url.Parse(endpoint); err == nil && u.Host != "" {
		host = u.Host
	}
	l, _ := limiters.LoadOrStore(host, rate.NewLimiter(rate.Every(time.Minute/time.Duration(perMinute)), perMinute))
	return l.(*rate.Limiter)
}

// Do sends one request (body marshalled as JSON when not nil) to path, relative to the
// endpoint, or to an absolute URL (a next link), and returns the body of a 2xx answer.
// Any other answer is a *remote.StatusError with the service's error code and message.
func (c *Client) Do(ctx context.Context, method, path string, body any) ([]byte, error) {
	if c.lim != nil {
		if err := c.lim.Wait(ctx); err != nil {
			return nil, c.describe(ctx, err)
		}
	}
	u := path
	if !strings.HasPrefix(path, "https://") && !strings.HasPrefix(path, "http://") {
		u = c.svc.Endpoint + "/" + strings.TrimLeft(path, "/")
	}
	req, err := runtime.NewRequest(ctx, method, u)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", c.name, err)
	}
	req.Raw().Header.Set("Accept", "application/json")
	if body != nil {
		if err := runtime.MarshalAsJSON(req, body); err != nil {
			return nil, fmt.Errorf("%s: %w", c.name, err)
		}
	}
	resp, err := c.pl.Pipeline().Do(req)
	if err != nil {
		return nil, c.describe(ctx, err)
	}
	data, err := runtime.Payload(resp)
	if err != nil {
		return nil, c.describe(ctx, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, statusError(c.name, resp, data)
	}
	return data, nil
}

// Pipeline returns the azcore pipeline (for SDK clients that take their own).
func (c *Client) Pipeline() runtime.Pipeline { return c.pl.Pipeline() }

// statusError makes one line of an error answer: the status, the service's code and
// message (and the first detail), and a 429's Retry-After.
func statusError(name string, resp *http.Response, body []byte) error {
	msg := ErrorBody(body)
	if resp.StatusCode == http.StatusTooManyRequests {
		if ra := resp.Header.Get("Retry-After"); ra != "" {
			msg += " (throttled; Retry-After " + ra + " s)"
		}
	}
	return &remote.StatusError{Service: name, Code: resp.StatusCode, Message: strings.TrimSpace(msg)}
}

type apiErr struct {
	Code    string   `json:"code"`
	Message string   `json:"message"`
	Target  string   `json:"target"`
	Details []apiErr `json:"details"`
	Inner   *apiErr  `json:"innererror"`
}

// ErrorBody reads the error shapes of these APIs ({"error":{code, message, details,
// innererror}}, Defender's {"error":{code, message, target}}, or a bare object) into one
// line; other text is cut to its first line.
func ErrorBody(data []byte) string {
	var wrap struct {
		Error json.RawMessage `json:"error"`
	}
	var e apiErr
	if json.Unmarshal(data, &wrap) == nil && len(wrap.Error) > 0 {
		if json.Unmarshal(wrap.Error, &e) != nil {
			var s string
			if json.Unmarshal(wrap.Error, &s) == nil {
				return s
			}
		}
	} else {
		_ = json.Unmarshal(data, &e)
	}
	if e.Code == "" && e.Message == "" {
		s := strings.TrimSpace(string(data))
		if i := strings.IndexByte(s, '\n'); i >= 0 {
			s = s[:i]
		}
		if len(s) > 200 {
			s = s[:200] + "..."
		}
		return s
	}
	msg := e.Code
	if e.Message != "" {
		if msg != "" {
			msg += ": "
		}
		msg += e.Message
	}
	extra := e.Details
	if e.Inner != nil {
		extra = append(extra, *e.Inner)
	}
	for _, d := range extra {
		if d.Message != "" {
			msg += " (" + d.Code + ": " + d.Message + ")"
			break
		}
	}
	return msg
}

// describe turns a transport or sign-in failure into one line.
func (c *Client) describe(ctx context.Context, err error) error {
	var ne net.Error
	switch {
	case errors.Is(err, azauth.ErrNoCredential):
		return err
	case errors.Is(err, context.Canceled) && ctx.Err() != nil:
		return ctx.Err()
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return fmt.Errorf("%s: %w: %s", c.name, ErrTimeout, azauth.OneLine(err))
	}
	return fmt.Errorf("%s: %s", c.name, azauth.OneLine(err))
}

// Describe turns an error of an Azure SDK client into one line: an HTTP answer as a
// *remote.StatusError with the service's code and message (and a 429's Retry-After), a
// time-out as ErrTimeout, the rest shortened.
func Describe(ctx context.Context, name string, err error) error {
	var re *azcore.ResponseError
	if errors.As(err, &re) && re.RawResponse != nil {
		body, _ := runtime.Payload(re.RawResponse)
		if len(body) == 0 {
			body = []byte(re.ErrorCode)
		}
		return statusError(name, re.RawResponse, body)
	}
	return (&Client{name: name}).describe(ctx, err)
}
