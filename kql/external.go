package kql

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/huntkit/huntkit/kql/syntax"
)

// ExternalSource reads the data that an externaldata operator names by URI.
type ExternalSource func(ctx context.Context, uri string) ([]byte, error)

// WithExternalData lets externaldata read its sources with src (see LocalExternalData).
// The compiler reads the data itself and inlines it into the SQL, so the engine needs
// no file or network access; the SQL size limit (WithMaxSQLSize) bounds what is read.
// Without this option externaldata fails with ErrUnsupported.
func WithExternalData(src ExternalSource) Option {
	return func(o *options) { o.external = src }
}

// ErrNetworkDisabled is returned for an http(s) externaldata URI when the network is not
// allowed.
var ErrNetworkDisabled = errors.New("externaldata: reading URLs needs the network option")

// LocalExternalData reads externaldata from local files: a path (relative paths resolve
// against dir) or a file:// URI. http and https URIs are read only when network is true
// (with client, or http.DefaultClient when nil), at most limit bytes each; otherwise they
// fail with ErrNetworkDisabled.
func LocalExternalData(dir string, network bool, client *http.Client, limit int64) ExternalSource {
	return func(ctx context.Context, uri string) ([]byte, error) {
		u, err := url.Parse(uri)
		if err == nil && (u.Scheme == "http" || u.Scheme == "https") {
			if !network {
				return nil, fmt.Errorf("%w: %s", ErrNetworkDisabled, uri)
			}
			return fetch(ctx, client, uri, limit)
		}
		path := uri
		if err == nil && u.Scheme == "file" {
			path = u.Path
		} else if err == nil && len(u.Scheme) > 1 {
			return nil, fmt.Errorf("externaldata: unsupported URI scheme %q", u.Scheme)
		}
		if !filepath.IsAbs(path) {
			path = filepath.Join(dir, path)
		}
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("externaldata: %w", err)
		}
		defer f.Close()
		if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() {
			return nil, fmt.Errorf("externaldata: %s is not a regular file", path)
		}
		return readLimited(f, limit, path)
	}
}

func fetch(ctx context.Context, client *http.Client, uri string, limit int64) ([]byte, error) {
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, uri, nil)
	if err != nil {
		return nil, fmt.Errorf("externaldata: %w", err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("externaldata: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("externaldata: %s: HTTP %s", uri, resp.Status)
	}
	return readLimited(resp.Body, limit, uri)
}

func readLimited(r io.Reader, limit int64, name string) ([]byte, error) {
	if limit <= 0 {
		limit = DefaultMaxSQLSize
	}
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("externaldata: %s: %w", name, err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("externaldata: %s is larger than %d bytes", name, limit)
	}
	return b, nil
}

// externalData compiles externaldata(schema)[uris] with (format=csv|tsv|txt,
// ignoreFirstRecord=bool) into an inline table of the declared schema.
func (c *compiler) externalData(x *syntax.ExternalData, e *env) *rel {
	if c.opt.external == nil {
		c.unsupported(x, "externaldata without a data source (kql.WithExternalData; URLs also need the network option)")
	}
	format, skipFirst := "csv", false
	for _, w := range x.With {
		switch strings.ToLower(w.Name) {
		case "format":
			format = strings.ToLower(syntax.ExprText(w.Value))
		case "ignorefirstrecord":
			l, ok := unparen(w.Value).(*syntax.Literal)
			skipFirst = ok && strings.EqualFold(l.Text, "true")
		}
	}
	ctx := c.opt.ctx
	if ctx == nil {
		ctx = context.Background()
	}
	dt := &syntax.Datatable{Loc: x.Loc, Cols: x.Cols}
	for _, u := range x.URIs {
		s := c.scalar(u, &scope{env: e})
		if s.str == nil {
			c.failAt(u, nil, "externaldata URIs must be string constants")
		}
		data, err := c.opt.external(ctx, *s.str)
		if err != nil {
			c.failAt(u, err, "%v", err)
		}
		records, err := splitRecords(data, format, len(x.Cols))
		if err != nil {
			c.failAt(u, nil, "externaldata %s: %v", *s.str, err)
		}
		if skipFirst && len(records) > 0 {
			records = records[1:]
		}
		for _, rec := range records {
			for j := range x.Cols {
				v := ""
				if j < len(rec) {
					v = rec[j]
				}
				dt.Values = append(dt.Values, &syntax.Literal{Loc: u.Span(), Kind: syntax.LitString, Value: v, Text: fmt.Sprintf("%q", v)})
			}
		}
	}
	return c.datatable(dt, e)
}

// splitRecords cuts data into records of fields by format: csv, tsv (or tsve), or txt (a
// line is one field).
func splitRecords(data []byte, format string, ncols int) ([][]string, error) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	switch format {
	case "csv", "tsv", "tsve", "psv", "scsv", "sohsv":
		r := csv.NewReader(bytes.NewReader(data))
		r.FieldsPerRecord = -1
		r.LazyQuotes = true
		r.Comma = map[string]rune{"csv": ',', "tsv": '\t', "tsve": '\t', "psv": '|', "scsv": ';', "sohsv": '\x01'}[format]
		return r.ReadAll()
	case "txt", "raw":
		var out [][]string
		sc := bufio.NewScanner(bytes.NewReader(data))
		sc.Buffer(make([]byte, 0, 64<<10), len(data)+1)
		for sc.Scan() {
			line := strings.TrimRight(sc.Text(), "\r")
			if line != "" {
				out = append(out, []string{line})
			}
		}
		return out, sc.Err()
	}
	return nil, fmt.Errorf("format %q is not supported (csv, tsv, psv, scsv, txt)", format)
}
