package kusto

import (
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/huntkit/huntkit/config"
	"github.com/huntkit/huntkit/internal/suggest"
)

// Cluster is one configured Azure Data Explorer cluster.
type Cluster struct {
	Name     string   // the KustoClusters entry (or DataProviders.Kusto[-instance]) name
	URL      string   // https://name.region.kusto.windows.net
	Database string   // Args.Database / Args.DefaultDatabase ("" = none configured)
	Groups   []string // ClusterGroups
	Section  string   // the config path of the entry, e.g. KustoClusters.Cluster1
}

// missing marks a setting that is not present; it matches config.ErrMissing, so the
// command line reports it as a configuration problem (exit code 3).
type missing string

func (m missing) Error() string { return string(m) }
func (m missing) Unwrap() error { return config.ErrMissing }

// ErrNoCluster is returned when no cluster is configured or none matches.
var ErrNoCluster error = missing("no Azure Data Explorer cluster")

// Clusters reads the clusters of the configuration: the KustoClusters section (msticpy's
// current format; ClusterDefaults.Args fills what an entry leaves out) and the older
// DataProviders.Kusto / Kusto-<instance> entries, sorted by name.
func Clusters(c *config.Config) []Cluster {
	var out []Cluster
	str := func(keys ...string) string {
		for _, k := range keys {
			if v, ok := c.String(k); ok && strings.TrimSpace(v) != "" {
				return strings.TrimSpace(v)
			}
		}
		return ""
	}
	const defaults = "KustoClusters.ClusterDefaults.Args."
	for _, name := range c.Names("KustoClusters") {
		if name == "ClusterDefaults" {
			continue
		}
		sec := "KustoClusters." + name
		cl := Cluster{Name: name, Section: sec, URL: str(sec + ".Args.Cluster"),
			Database: str(sec+".Args.Database", sec+".Args.DefaultDatabase", defaults+"Database", defaults+"DefaultDatabase")}
		cl.Groups, _ = c.Strings(sec + ".ClusterGroups")
		out = append(out, cl)
	}
	for _, name := range c.Names("DataProviders") {
		base, inst, _ := strings.Cut(name, "-")
		if !strings.EqualFold(base, "Kusto") {
			continue
		}
		sec := "DataProviders." + name
		cl := Cluster{Name: name, Section: sec, URL: str(sec + ".Args.Cluster"), Database: str(sec+".Args.Database", sec+".Args.DefaultDatabase")}
		if inst != "" && !hasName(out, inst) {
			cl.Name = inst
		}
		out = append(out, cl)
	}
	sort.SliceStable(out, func(i, j int) bool { return strings.ToLower(out[i].Name) < strings.ToLower(out[j].Name) })
	return out
}

func hasName(cs []Cluster, name string) bool {
	for _, c := range cs {
		if strings.EqualFold(c.Name, name) {
			return true
		}
	}
	return false
}

// arg returns the first set value of key in the cluster's Args, then ClusterDefaults.Args.
func (cl Cluster) arg(c *config.Config, key string) (string, bool) {
	for _, k := range []string{cl.Section + ".Args." + key, "KustoClusters.ClusterDefaults.Args." + key} {
		if cl.Section != "" && c.IsSet(k) {
			return k, true
		}
	}
	return "", false
}

// host returns the cluster's host name without the port, lower case.
func host(u string) string {
	p, err := url.Parse(u)
	if err != nil || p.Host == "" {
		return strings.ToLower(u)
	}
	return strings.ToLower(p.Hostname())
}

// matches reports whether sel names the cluster: its entry name, its URL, its host, or the
// first label of its host ("mstic" for https://mstic.kusto.windows.net), as msticpy allows.
func (cl Cluster) matches(sel string) bool {
	sel = strings.TrimSpace(sel)
	if strings.EqualFold(sel, cl.Name) || cl.URL == "" {
		return strings.EqualFold(sel, cl.Name)
	}
	h := host(cl.URL)
	s := strings.ToLower(sel)
	if strings.Contains(s, "://") {
		return host(s) == h && strings.TrimRight(s, "/") == strings.TrimRight(strings.ToLower(cl.URL), "/")
	}
	label, _, _ := strings.Cut(h, ".")
	return s == h || s == label
}

// Select picks the cluster for a query: sel (a name, URL or host; a URL that no entry
// names is used as given, with the sign-in settings of ClusterDefaults), else the template's
// metadata (cluster, clusters, cluster_groups: the first configured match), else the only
// configured cluster.
func Select(all []Cluster, sel string, meta map[string]any) (Cluster, error) {
	if sel != "" {
		for _, cl := range all {
			if cl.matches(sel) {
				return cl, nil
			}
		}
		if strings.HasPrefix(strings.ToLower(sel), "https://") {
			return Cluster{Name: host(sel), URL: strings.TrimRight(sel, "/")}, nil
		}
		names := make([]string, 0, len(all))
		for _, cl := range all {
			names = append(names, cl.Name)
		}
		msg := fmt.Sprintf("cluster %q is not in KustoClusters", sel)
		if s := suggest.Ranked(sel, names, 1); len(s) > 0 {
			msg += fmt.Sprintf(" (did you mean %q?)", s[0])
		} else if len(names) > 0 {
			msg += " (configured: " + strings.Join(names, ", ") + ")"
		}
		return Cluster{}, fmt.Errorf("%w: %s; give an https:// URL or add it to msticpyconfig.yaml", ErrNoCluster, msg)
	}
	if cl, ok := fromMetadata(all, meta); ok {
		return cl, nil
	}
	switch len(all) {
	case 0:
		return Cluster{}, fmt.Errorf("%w: add KustoClusters.<Name>.Args.Cluster to msticpyconfig.yaml, or give --cluster URL", ErrNoCluster)
	case 1:
		return all[0], nil
	}
	names := make([]string, 0, len(all))
	for _, cl := range all {
		names = append(names, cl.Name)
	}
	return Cluster{}, fmt.Errorf("%w: %d clusters are configured (%s); name one with --cluster", ErrNoCluster, len(all), strings.Join(names, ", "))
}

// fromMetadata follows msticpy's template metadata: cluster, then clusters, then
// cluster_groups.
func fromMetadata(all []Cluster, meta map[string]any) (Cluster, bool) {
	if meta == nil {
		return Cluster{}, false
	}
	if s, ok := meta["cluster"].(string); ok && s != "" {
		for _, cl := range all {
			if cl.matches(s) {
				return cl, true
			}
		}
		if strings.HasPrefix(strings.ToLower(s), "https://") {
			return Cluster{Name: host(s), URL: strings.TrimRight(s, "/")}, true
		}
	}
	for _, s := range list(meta["clusters"]) {
		for _, cl := range all {
			if cl.matches(s) {
				return cl, true
			}
		}
	}
	for _, g := range list(meta["cluster_groups"]) {
		for _, cl := range all {
			for _, cg := range cl.Groups {
				if strings.EqualFold(cg, g) {
					return cl, true
				}
			}
		}
	}
	return Cluster{}, false
}

func list(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []string:
		return x
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}
