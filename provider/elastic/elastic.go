// Package elastic is the Elasticsearch data environment, on the official client
// (github.com/elastic/go-elasticsearch/v8, esapi over elastic-transport-go): ES|QL queries
// (the _query API, columnar answers read into a Frame), and Lucene query strings or query
// DSL searches over index patterns, paged with a point in time and search_after until
// every hit is read. Nested ECS objects become dotted columns (host.name). Authentication
// is an API key, a user name and password, or an Elastic Cloud ID with either.
package elastic

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/elastic/go-elasticsearch/v8"

	"github.com/huntkit/huntkit/config"
	"github.com/huntkit/huntkit/provider/internal/remote"
	"github.com/huntkit/huntkit/query"
)

// Name is the environment's name.
const Name = "Elastic"

// Aliases are accepted in place of Name.
var Aliases = []string{"Elasticsearch", "ElasticSearch"}

const section = "DataProviders.Elastic"

func init() {
	query.Register(query.Environment{
		Name:        Name,
		Aliases:     Aliases,
		Description: "Elasticsearch: ES|QL, Lucene query strings or query DSL over index patterns; every hit paged",
		Language:    "lucene",
		Dialect:     query.DialectFor("lucene"),
		New: func(ctx context.Context, s query.Settings) (query.Driver, error) {
			return New(ctx, s)
		},
		Configured: func(c *config.Config) bool { return c.IsSet(section) },
	})
}

// ErrConfig marks settings that cannot work.
var ErrConfig = remote.SettingsError("elastic settings")

// ErrQuery marks a query Elasticsearch refused (400: a parse error, an unknown index...).
var ErrQuery = errors.New("elasticsearch refused the query")

// Settings are the driver's options (DataProviders.Elastic.Args in the configuration).
type Settings struct {
	URLs     []string // url: one node or a list
	CloudID  string   // cloud_id: an Elastic Cloud deployment (instead of url)
	APIKey   string   // api_key: base64 "id:key" as Kibana shows it; secret
	Username string   // username and password: basic authentication
	Password string
	// Index is the default index pattern (index: "logs-*,winlogbeat-*"); a query may name
	// its own with a leading "index=PATTERN".
	Index          string
	TimestampField string        // timestamp_field: the field the query window filters (@timestamp)
	PageSize       int           // page_size: hits a page (default 5000, at most 10000)
	KeepAlive      string        // keep_alive: how long the point in time lives between pages (2m)
	Timeout        time.Duration // timeout: longest a query may run (0: none)
	// Conn holds TLS and retries: requests go through internal/httpretry (remote.Transport).
	Conn remote.Conn
}

// SettingsFrom reads the settings from the configuration, resolving secrets.
func SettingsFrom(ctx context.Context, c *config.Config) (Settings, error) {
	s := Settings{TimestampField: "@timestamp", PageSize: 5000, KeepAlive: "2m", Index: "*"}
	arg := func(k string) string {
		v, _ := c.String(section + ".Args." + k)
		return strings.TrimSpace(v)
	}
	secret := func(k string) (string, error) {
		key := section + ".Args." + k
		if !c.IsSet(key) {
			return "", nil
		}
		return c.Secret(ctx, key)
	}
	if u := arg("url"); u != "" {
		s.URLs = []string{u}
	} else if us, ok := c.Strings(section + ".Args.url"); ok {
		s.URLs = us
	}
	s.CloudID = arg("cloud_id")
	if len(s.URLs) == 0 && s.CloudID == "" {
		return s, fmt.Errorf("%w: set %s.Args.url or cloud_id", ErrConfig, section)
	}
	var err error
	if s.APIKey, err = secret("api_key"); err != nil {
		return s, err
	}
	s.Username = arg("username")
	if s.Password, err = secret("password"); err != nil {
		return s, err
	}
	if s.APIKey == "" && (s.Username == "" || s.Password == "") {
		return s, fmt.Errorf("%w: set %s.Args.api_key, or username and password", ErrConfig, section)
	}
	if v := arg("index"); v != "" {
		s.Index = v
	}
	if v := arg("timestamp_field"); v != "" {
		s.TimestampField = v
	}
	if n, ok := c.Int(section + ".Args.page_size"); ok && n > 0 {
		s.PageSize = min(n, 10000)
	}
	if v := arg("keep_alive"); v != "" {
		s.KeepAlive = v
	}
	s.Conn = remote.ConnFrom(c, section, 0)
	s.Timeout, s.Conn.Timeout = s.Conn.Timeout, 0 // a bound on the whole query, not per request
	return s, nil
}

// Driver runs queries on one Elasticsearch cluster.
type Driver struct {
	set Settings
	es  *elasticsearch.Client
}

// New reads the settings from s.Config and returns a driver (no request is sent yet).
func New(ctx context.Context, s query.Settings) (*Driver, error) {
	if s.Config == nil {
		return nil, fmt.Errorf("%w: no configuration", ErrConfig)
	}
	set, err := SettingsFrom(ctx, s.Config)
	if err != nil {
		return nil, err
	}
	return NewWith(set)
}

// NewWith returns a driver with explicit settings.
func NewWith(set Settings) (*Driver, error) {
	if set.PageSize <= 0 {
		set.PageSize = 5000
	}
	if set.KeepAlive == "" {
		set.KeepAlive = "2m"
	}
	if set.TimestampField == "" {
		set.TimestampField = "@timestamp"
	}
	if set.Index == "" {
		set.Index = "*"
	}
	tr, err := set.Conn.Transport("elasticsearch")
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrConfig, err)
	}
	tr.Client.Secrets = []string{set.APIKey, set.Password}
	es, err := elasticsearch.NewClient(elasticsearch.Config{
		Addresses: set.URLs, CloudID: set.CloudID,
		APIKey: set.APIKey, Username: set.Username, Password: set.Password,
		Transport:    tr,
		DisableRetry: true, // retries are remote.Transport's (httpretry: Retry-After, backoff)
	})
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrConfig, err)
	}
	return &Driver{set: set, es: es}, nil
}

// Connect checks that the cluster answers and accepts the credentials.
func (d *Driver) Connect(ctx context.Context) error {
	res, err := d.es.Info(d.es.Info.WithContext(ctx))
	if err != nil {
		return fmt.Errorf("elasticsearch: %w", err)
	}
	defer res.Body.Close()
	if res.IsError() {
		return fail(res.StatusCode, res.Body)
	}
	return nil
}
