package sentinel

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"

	"github.com/huntkit/huntkit/frame"
)

// Schema lists the primary workspace's tables and columns from the Log Analytics metadata
// API (GET /v1/workspaces/{id}/metadata). It implements query.Schemaer.
func (d *Driver) Schema(ctx context.Context) (map[string][]frame.Field, error) {
	u := d.endpoint + "/v1/workspaces/" + url.PathEscape(d.workspaces[0].ID) + "/metadata"
	req, err := runtime.NewRequest(ctx, http.MethodGet, u)
	if err != nil {
		return nil, err
	}
	req.Raw().Header.Set("Accept", "application/json")
	resp, err := d.pipe.Pipeline().Do(req)
	if err != nil {
		return nil, describe(err)
	}
	if !runtime.HasStatusCode(resp, http.StatusOK) {
		return nil, describe(runtime.NewResponseError(resp))
	}
	body, err := runtime.Payload(resp)
	if err != nil {
		return nil, fmt.Errorf("%w: metadata: %v", ErrQuery, err)
	}
	var md struct {
		Tables []struct {
			Name    string `json:"name"`
			Columns []struct {
				Name string `json:"name"`
				Type string `json:"type"`
			} `json:"columns"`
		} `json:"tables"`
	}
	if err := json.Unmarshal(body, &md); err != nil {
		return nil, fmt.Errorf("%w: metadata: malformed body: %v", ErrQuery, err)
	}
	out := map[string][]frame.Field{}
	for _, t := range md.Tables {
		fields := make([]frame.Field, 0, len(t.Columns))
		for _, c := range t.Columns {
			fields = append(fields, frame.Field{Name: c.Name, Type: FrameType(c.Type)})
		}
		out[t.Name] = fields
	}
	return out, nil
}
