package splunk

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/huntkit/huntkit/provider/internal/remote"
	"github.com/huntkit/huntkit/query"
)

// SavedSearch is a search saved on the server (saved/searches).
type SavedSearch struct {
	Name        string
	Search      string
	Description string
	App         string
}

// SavedSearches lists the saved searches visible in the configured namespace, sorted by name.
func (d *Driver) SavedSearches(ctx context.Context) ([]SavedSearch, error) {
	resp, err := d.do(ctx, http.MethodGet, d.path("saved/searches"), url.Values{"output_mode": {"json"}, "count": {"0"}})
	if err != nil {
		return nil, err
	}
	defer resp.Close()
	var body struct {
		Entry []struct {
			Name    string               `json:"name"`
			ACL     struct{ App string } `json:"acl"`
			Content struct {
				Search      string `json:"search"`
				Description string `json:"description"`
			} `json:"content"`
		} `json:"entry"`
	}
	if err := json.NewDecoder(io.LimitReader(resp, 256<<20)).Decode(&body); err != nil {
		return nil, fmt.Errorf("splunk saved searches: %w: %v", remote.ErrMalformed, err)
	}
	out := make([]SavedSearch, 0, len(body.Entry))
	for _, e := range body.Entry {
		out = append(out, SavedSearch{Name: e.Name, Search: e.Content.Search, Description: e.Content.Description, App: e.ACL.App})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Templates returns the saved searches as query templates in the family "SavedSearches"
// (named as msticpy names them: spaces become "_"), so they list and run like any other
// Splunk template. Braces in the search are escaped; the templates take no parameters.
func (d *Driver) Templates(ctx context.Context) ([]*query.Template, error) {
	saved, err := d.SavedSearches(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]*query.Template, 0, len(saved))
	for _, s := range saved {
		q := strings.NewReplacer("{", "{{", "}", "}}").Replace(SearchText(s.Search))
		out = append(out, &query.Template{
			Name:         strings.ReplaceAll(strings.TrimSpace(s.Name), " ", "_"),
			Families:     []string{"SavedSearches"},
			Environments: []string{Name},
			Description:  s.Description,
			Query:        q,
			RawQuery:     q,
			Metadata:     map[string]any{"saved_search": s.Name, "app": s.App},
			File:         "splunk:saved/searches",
		})
	}
	return out, nil
}
