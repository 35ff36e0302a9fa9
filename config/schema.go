package config

import (
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// The schema follows MSTICPy's documented configuration (msticpyconfig.yaml and the
// settings defaults that ship with MSTICPy): section names, key names and their types,
// which keys each provider requires, and the provider names it knows.

// Sections lists the top-level sections huntkit and MSTICPy understand.
var Sections = []string{
	"AzureSentinel", "Azure", "QueryDefinitions", "TIProviders", "OtherProviders",
	"ContextProviders", "DataProviders", "KustoClusters", "KeyVault", "msticpy",
	"UserDefaults", "AzureCLI", "PluginFolders", "Pivots", "Logging", "Autogen",
}

// AuthMethods are the Azure credential types MSTICPy names in Azure.auth_methods.
var AuthMethods = []string{"env", "msi", "cli", "devicecode", "interactive", "vscode", "powershell", "clientsecret", "certificate"}

// Clouds are the Azure cloud names of Azure.cloud and KeyVault.Authority.
var Clouds = []string{"global", "cn", "usgov", "de"}

// DefenderClouds are the extra cloud names of the Defender and Graph data providers' Args.Cloud
// (msticpy's regional and government Defender endpoints; see provider/internal/azapi).
var DefenderClouds = []string{"us", "eu", "uk", "au", "swa", "ina", "aea", "gcc", "gcc-high", "dod"}

func s(k kind) *spec                { return &spec{kind: k} }
func req(k kind, hint string) *spec { return &spec{kind: k, required: true, hint: hint} }
func opt(k kind, hint string) *spec { return &spec{kind: k, hint: hint} }
func obj(f map[string]*spec) *spec  { return &spec{kind: kMap, fields: f} }
func enum(opts ...string) *spec     { return &spec{kind: kEnum, options: opts} }
func menum(opts ...string) *spec    { return &spec{kind: kMEnum, options: opts} }
func args(f map[string]*spec) *spec { return &spec{kind: kMap, fields: f, implied: true} }
func folder(mayMake bool) *spec     { return &spec{kind: kFolder, mayMake: mayMake} }
func openObj(f map[string]*spec) *spec {
	return &spec{kind: kMap, fields: f, open: true}
}

const (
	hintKey    = "the API key: a string, {EnvironmentVar: NAME} or {KeyVault: ...}"
	hintSecret = "a string, {EnvironmentVar: NAME} or {KeyVault: ...}"
	hintGUID   = "a GUID"
)

// providerDef describes one known provider: its Args.
type providerDef struct {
	args map[string]*spec
}

func authKeyOnly() providerDef {
	return providerDef{args: map[string]*spec{"AuthKey": req(kSecret, hintKey)}}
}

// tiProviders are MSTICPy's TI provider classes (the Provider: value), with their Args.
func tiProviders() map[string]providerDef {
	return map[string]providerDef{
		"OTX": authKeyOnly(),
		"VirusTotal": {args: map[string]*spec{
			"AuthKey":          req(kSecret, hintKey),
			"UseVT3PrivateAPI": s(kBool),
		}},
		"XForce": {args: map[string]*spec{
			"ApiID":   req(kSecret, "the API ID: "+hintSecret),
			"AuthKey": req(kSecret, hintKey),
		}},
		"AzSTI": {args: map[string]*spec{
			"WorkspaceID": req(kUUID, "the Sentinel workspace GUID"),
			"TenantID":    req(kUUID, "the Azure tenant GUID"),
		}},
		"OPR": authKeyOnly(),
		"Tor": {},
		"GreyNoise": {args: map[string]*spec{
			"AuthKey": opt(kSecret, "empty for the community API"),
		}},
		"RiskIQ": {args: map[string]*spec{
			"ApiID":   req(kSecret, "the account user name"),
			"AuthKey": req(kSecret, hintKey),
		}},
		"IntSights": {args: map[string]*spec{
			"ApiID":   req(kSecret, "the account ID"),
			"AuthKey": req(kSecret, hintKey),
		}},
		"Pulsedive":      authKeyOnly(),
		"IPQualityScore": authKeyOnly(),
		"BinaryEdge":     authKeyOnly(),
		"AbuseIPDB": {args: map[string]*spec{
			"AuthKey":      req(kSecret, hintKey),
			"MaxAgeInDays": s(kInt),
		}},
		"CrowdSec": authKeyOnly(),
		// huntkit's own TI providers
		"MalwareBazaar": authKeyOnly(),
		"ThreatFox":     authKeyOnly(),
		"URLhaus":       authKeyOnly(),
		"LocalFeed": {args: map[string]*spec{
			"Paths":           s(kAny), // a list, or a comma/semicolon separated string
			"Path":            s(kAny),
			"DefaultSeverity": s(kStr),
		}},
		"Cyberint": {args: map[string]*spec{
			"AuthKey":  req(kSecret, hintKey),
			"Instance": req(kStr, "the Cyberint instance name"),
		}},
	}
}

// tiCommonArgs are huntkit extensions every TI provider accepts.
func tiCommonArgs() map[string]*spec {
	return map[string]*spec{
		"BaseURL":     s(kURL),
		"Timeout":     s(kTimeout),
		"RateLimit":   s(kStr),
		"Concurrency": s(kInt),
	}
}

// tiAliases map the section names MSTICPy's documentation uses to provider classes.
var tiAliases = map[string]string{
	"AzureSentinel": "AzSTI", "MSSentinel": "AzSTI", "OpenPageRank": "OPR", "TorExitNodes": "Tor",
	// names huntkit's TI registry also accepts
	"VT": "VirusTotal", "VirusTotalV3": "VirusTotal", "X-Force": "XForce", "IBMXForce": "XForce",
	"AlienVault": "OTX", "AlienVaultOTX": "OTX", "IPQS": "IPQualityScore",
	"GreyNoiseCommunity": "GreyNoise", "Bazaar": "MalwareBazaar", "Local": "LocalFeed", "LocalFeeds": "LocalFeed",
}

func otherProviders() map[string]providerDef {
	return map[string]providerDef{
		"GeoLiteLookup": {args: map[string]*spec{
			"AuthKey":     req(kSecret, "the MaxMind license key: "+hintSecret),
			"AccountID":   opt(kSecret, "the MaxMind account ID"),
			"DBFolder":    folder(true),
			"DownloadURL": s(kURL),
			"Editions":    s(kList),
			"MaxAgeDays":  s(kInt),
		}},
		"IPStackLookup": {args: map[string]*spec{
			"AuthKey": req(kSecret, hintKey),
			"BaseURL": s(kURL),
		}},
		// huntkit's whois (RDAP) lookups
		"RDAP": {args: map[string]*spec{
			"BootstrapURL": s(kURL),
			"CacheFolder":  folder(true),
		}},
	}
}

var otherAliases = map[string]string{"GeoIPLite": "GeoLiteLookup", "IPStack": "IPStackLookup"}

func contextProviders() map[string]providerDef {
	return map[string]providerDef{
		"ServiceNow": {args: map[string]*spec{
			"ApiID":    req(kSecret, "the client ID"),
			"AuthKey":  req(kSecret, hintKey),
			"Instance": req(kStr, "the ServiceNow instance name"),
		}},
	}
}

func azureCLIArgs() *spec {
	a := args(map[string]*spec{
		"auth_methods": menum(AuthMethods...),
		"clientId":     opt(kUUID, "the app (client) GUID"),
		"tenantId":     opt(kUUID, "the tenant GUID"),
		"clientSecret": opt(kSecret, hintSecret),
	})
	// a client secret login needs all three
	a.post = func(v *validator, path string, key, val *yaml.Node) {
		if val.Kind != yaml.MappingNode || isNull(val) {
			return
		}
		if n := child(val, "clientId"); n == nil || isNull(n) {
			return
		}
		for _, k := range []string{"tenantId", "clientSecret"} {
			if n := child(val, k); n == nil || isNull(n) {
				at := key
				if at == nil {
					at = val
				}
				v.errorf(at, join(path, k), "missing required key (clientId is set, so %s is needed for client-secret login)", k)
			}
		}
	}
	return a
}

func appArgs() *spec {
	return args(map[string]*spec{
		"ClientId":         req(kUUID, "the app (client) GUID"),
		"TenantId":         req(kUUID, "the tenant GUID"),
		"UserName":         s(kStr),
		"ClientSecret":     opt(kSecret, hintSecret),
		"Cloud":            enum(append(append([]string{}, Clouds...), DefenderClouds...)...),
		"Certificate":      s(kStr),
		"PrivateKey":       s(kSecret),
		"PrivateKeySecret": s(kSecret),
		"Scopes":           s(kAny),
		"AuthType":         s(kStr),
		"Instance":         s(kStr),
	})
}

func kustoArgs(defaults bool) *spec {
	cluster := req(kURL, "the cluster URL, e.g. https://mycluster.kusto.windows.net")
	if defaults {
		cluster = s(kURL)
	}
	return args(map[string]*spec{
		"Cluster":         cluster,
		"TenantId":        opt(kUUID, hintGUID),
		"IntegratedAuth":  s(kBool),
		"ClientId":        opt(kUUID, hintGUID),
		"ClientSecret":    opt(kSecret, hintSecret),
		"Certificate":     s(kStr),
		"Database":        s(kStr),
		"DefaultDatabase": s(kStr),
	})
}

// dataProviders maps the DataProviders entry names (before any "-instance" suffix) to the
// shape of their entries.
func dataProviders() map[string]func() *spec {
	wrap := func(a *spec) func() *spec {
		return func() *spec { return obj(map[string]*spec{"Args": a}) }
	}
	openObserve := wrap(args(map[string]*spec{
		"connection_str": req(kURL, "the OpenObserve URL"),
		"user":           req(kStr, "the user name"),
		"password":       req(kSecret, hintSecret),
		"organization":   s(kStr), // huntkit (provider/openobserve)
		"verify":         s(kBool),
		"timeout":        s(kTimeout),
		"ca_file":        s(kStr),
	}))
	otrf := func() *spec {
		return obj(map[string]*spec{
			"save_folder": folder(true),
			"use_cached":  s(kBool),
			"Args": args(map[string]*spec{
				"Catalog":    s(kStr),
				"DataFolder": s(kFolder),
				"APIURL":     s(kURL),
				"RawURL":     s(kURL),
			}),
		})
	}
	return map[string]func() *spec{
		"AzureCLI": func() *spec { return obj(map[string]*spec{"Args": azureCLIArgs()}) },
		"LocalData": func() *spec {
			return obj(map[string]*spec{
				"data_paths": s(kFolders),
				"Args":       openObj(map[string]*spec{"data_paths": s(kFolders), "Mappings": s(kStr)}),
			})
		},
		"Mordor":            otrf,
		"OTRF":              otrf,
		"Browshot":          wrap(args(map[string]*spec{"AuthKey": req(kSecret, hintKey)})),
		"MicrosoftDefender": wrap(appArgs()),
		"MDATPApp":          wrap(appArgs()),
		"MicrosoftGraph":    wrap(appArgs()),
		"SecurityGraphApp":  wrap(appArgs()),
		"M365D":             wrap(appArgs()),
		"M365DGraph":        wrap(appArgs()),
		"MDE":               wrap(appArgs()),
		"MDATP":             wrap(appArgs()),
		"SecurityGraph":     wrap(appArgs()),
		"ResourceGraph":     func() *spec { return openObj(map[string]*spec{"Args": openObj(nil)}) },
		"Splunk": wrap(args(map[string]*spec{
			"host":         req(kStr, "the Splunk server name"),
			"username":     s(kStr),
			"password":     s(kSecret),
			"port":         s(kInt),
			"http_scheme":  enum("https", "http"),
			"verify":       s(kBool),
			"owner":        s(kStr),
			"app":          s(kStr),
			"sharing":      enum("global", "system", "app", "user"),
			"token":        s(kSecret),
			"cookie":       s(kSecret),
			"autologin":    s(kBool),
			"bearer_token": s(kSecret),
			"timeout":      s(kTimeout),
			"ca_file":      s(kStr), // huntkit: extra trusted CAs (provider/splunk)
		})),
		"Sumologic": wrap(args(map[string]*spec{
			"connection_str": req(kURL, "the API endpoint URL"),
			"accessid":       req(kSecret, "the access ID"),
			"accesskey":      req(kSecret, "the access key: "+hintSecret),
			"timeout":        s(kTimeout), // huntkit (provider/sumologic)
			"verify":         s(kBool),
			"ca_file":        s(kStr),
		})),
		"Cybereason": wrap(args(map[string]*spec{
			"TenantId":     req(kStr, "the tenant name"),
			"ClientId":     req(kStr, "the client ID"),
			"ClientSecret": req(kSecret, hintSecret),
		})),
		"Kusto": func() *spec {
			return obj(map[string]*spec{"Args": kustoArgs(false), "ClusterGroups": s(kList)})
		},
		"Openobserve":      openObserve,
		"OpenObserve":      openObserve, // msticpy's spelling (provider/openobserve reads both)
		"Elastic":          func() *spec { return openObj(map[string]*spec{"Args": openObj(nil)}) },
		"Prismacloud":      func() *spec { return openObj(map[string]*spec{"Args": openObj(nil)}) },
		"OSQueryLogs":      wrap(openObj(map[string]*spec{"data_paths": s(kFolders), "cache_file": s(kStr)})),
		"VelociraptorLogs": wrap(openObj(map[string]*spec{"data_paths": s(kFolders)})),
		"Velociraptor":     wrap(openObj(map[string]*spec{"data_paths": s(kFolders)})),
		"OSQuery":          wrap(openObj(map[string]*spec{"data_paths": s(kFolders), "cache_file": s(kStr)})),
	}
}

// rootSpec is the schema of a whole file.
func rootSpec() *spec {
	workspace := obj(map[string]*spec{
		"WorkspaceId":    req(kUUID, "the workspace GUID"),
		"TenantId":       req(kUUID, "the Azure tenant GUID"),
		"WorkspaceName":  s(kStr),
		"SubscriptionId": opt(kUUID, hintGUID),
		"ResourceGroup":  s(kStr),
		// credentials for this workspace (client secret or certificate login)
		"Args": args(map[string]*spec{
			"ClientId":            opt(kUUID, "the app (client) GUID"),
			"TenantId":            opt(kUUID, hintGUID),
			"ClientSecret":        s(kSecret),
			"Certificate":         s(kStr),
			"CertificatePassword": s(kSecret),
			"UserName":            s(kStr),
		}),
	})
	workspaces := &spec{kind: kMap, entry: func(v *validator, path string, key, val *yaml.Node, depth int) {
		v.check(path, key, val, workspace, false, depth)
	}}
	workspaces.post = func(v *validator, path string, key, val *yaml.Node) {
		if val.Kind == yaml.MappingNode && child(val, "Default") == nil && len(val.Content) > 0 {
			v.warnf(key, path, "no Default workspace: commands run without --workspace need one")
		}
	}
	azureCLI := obj(map[string]*spec{"Args": azureCLIArgs()})
	azureCLI.post = func(v *validator, path string, key, val *yaml.Node) {
		v.warnf(key, path, "deprecated section: use DataProviders.AzureCLI")
	}
	proxy := obj(map[string]*spec{
		"Url":      req(kURL, "the proxy URL"),
		"UserName": s(kSecret),
		"Password": s(kSecret),
	})
	root := obj(map[string]*spec{
		"AzureSentinel": obj(map[string]*spec{"Workspaces": workspaces}),
		"Azure": obj(map[string]*spec{
			"cloud":                enum(Clouds...),
			"auth_methods":         menum(AuthMethods...),
			"resource_manager_url": s(kURL),
			// huntkit's endpoint overrides (private clouds, huntkit emulate); see package azauth
			"authority_host":             s(kURL),
			"log_analytics_endpoint":     s(kURL),
			"keyvault_url":               s(kURL),
			"mde_endpoint":               s(kURL), // provider/defender (MDE)
			"m365d_endpoint":             s(kURL), // provider/defender (M365D)
			"graph_endpoint":             s(kURL), // provider/defender (M365DGraph), provider/msgraph
			"ca_file":                    s(kStr),
			"tenant_id":                  opt(kUUID, hintGUID),
			"client_id":                  opt(kUUID, hintGUID),
			"client_secret":              s(kSecret),
			"certificate":                s(kStr),
			"managed_identity_client_id": opt(kUUID, hintGUID),
		}),
		"QueryDefinitions": obj(map[string]*spec{
			"Default": s(kList),
			"Custom":  s(kFolders),
		}),
		"TIProviders":      providersSpec("TI provider", tiProviders(), tiAliases, tiCommonArgs()),
		"OtherProviders":   providersSpec("provider", otherProviders(), otherAliases, nil),
		"ContextProviders": providersSpec("context provider", contextProviders(), nil, nil),
		"DataProviders":    dataProvidersSpec(),
		"KustoClusters":    kustoClustersSpec(),
		"KeyVault": obj(map[string]*spec{
			"TenantId":       req(kUUID, "the tenant GUID of the vault"),
			"VaultName":      req(kStr, "the vault name"),
			"SubscriptionId": opt(kUUID, hintGUID),
			"ResourceGroup":  s(kStr),
			"AzureRegion":    s(kStr),
			"UseKeyring":     s(kBool),
			"Authority":      enum(Clouds...),
			"AuthnType":      s(kStr),
		}),
		"msticpy": obj(map[string]*spec{
			"FriendlyExceptions": s(kBool),
			"QueryDefinitions":   s(kFolders),
			"http_timeout":       s(kTimeout),
			"Proxies": &spec{kind: kMap, entry: func(v *validator, path string, key, val *yaml.Node, depth int) {
				v.check(path, key, val, proxy, false, depth)
			}},
		}),
		"UserDefaults":  userDefaultsSpec(),
		"AzureCLI":      azureCLI,
		"PluginFolders": s(kFolders),
		"Pivots":        s(kAny),
		"Logging":       s(kAny),
		"Autogen":       s(kAny),
	})
	root.entry = func(v *validator, path string, key, val *yaml.Node, depth int) {
		v.warnf(key, path, "unknown section %q (ignored)%s", path, didYouMean(path, Sections))
	}
	cloud := root.fields["Azure"].fields["cloud"]
	cloud.post = func(v *validator, path string, key, val *yaml.Node) {
		if val.Kind == yaml.ScalarNode && strings.EqualFold(val.Value, "de") {
			v.warnf(nodePos(key, val), path, "the German cloud (de) has been retired")
		}
	}
	return root
}

// providersSpec builds the schema of TIProviders, OtherProviders or ContextProviders: named
// entries whose Provider value (or name) selects the provider class.
func providersSpec(what string, defs map[string]providerDef, aliases map[string]string, extra map[string]*spec) *spec {
	known := sortedKeys(defs)
	for a := range aliases {
		known = append(known, a)
	}
	sort.Strings(known)
	sec := &spec{kind: kMap}
	sec.entry = func(v *validator, path string, key, val *yaml.Node, depth int) {
		r := resolve(val)
		name := path[strings.LastIndexByte(path, '.')+1:]
		if r == nil || isNull(r) {
			v.warnf(key, path, "%q has no settings", name)
			return
		}
		if r.Kind != yaml.MappingNode {
			v.errorf(nodePos(key, val), path, "expected a mapping with Args, Primary and Provider, found %s", kindName(r))
			return
		}
		cls, at := name, key
		if pn := child(r, "Provider"); pn != nil && pn.Kind == yaml.ScalarNode && !isNull(pn) {
			cls, at = pn.Value, pn
		}
		def, ok := defs[cls]
		if !ok {
			if a, isAlias := aliases[cls]; isAlias {
				def, ok = defs[a], true
			}
		}
		entry := obj(map[string]*spec{
			"Args":        openObj(nil),
			"Primary":     s(kBool),
			"Provider":    s(kStr),
			"Description": s(kStr),
		})
		if !ok {
			v.warnf(at, join(path, "Provider"), "unknown %s %q%s; it is kept but not checked", what, cls, didYouMean(cls, known))
		} else if def.args != nil || extra != nil {
			a := map[string]*spec{}
			for k, f := range extra {
				a[k] = f
			}
			for k, f := range def.args {
				a[k] = f
			}
			entry.fields["Args"] = args(a)
		}
		v.check(path, key, val, entry, false, depth)
	}
	return sec
}

func dataProvidersSpec() *spec {
	defs := dataProviders()
	known := sortedKeys(defs)
	sec := &spec{kind: kMap}
	sec.entry = func(v *validator, path string, key, val *yaml.Node, depth int) {
		name := path[strings.LastIndexByte(path, '.')+1:]
		base := name
		if i := strings.IndexByte(base, '-'); i > 0 {
			base = base[:i] // "Kusto-MDE", "Splunk-prod": an instance of a provider
		}
		if strings.HasPrefix(name, "AzureSentinel_") {
			v.check(path, key, val, obj(map[string]*spec{"Args": args(map[string]*spec{
				"WorkspaceId": req(kUUID, "the workspace GUID"),
				"TenantId":    req(kUUID, "the Azure tenant GUID"),
			})}), false, depth)
			return
		}
		mk, ok := defs[base]
		if !ok {
			v.warnf(key, path, "unknown data provider %q%s; it is kept but not checked", name, didYouMean(base, known))
			v.check(path, key, val, openObj(map[string]*spec{"Args": openObj(nil)}), false, depth)
			return
		}
		v.check(path, key, val, mk(), false, depth)
	}
	return sec
}

func kustoClustersSpec() *spec {
	sec := &spec{kind: kMap}
	sec.entry = func(v *validator, path string, key, val *yaml.Node, depth int) {
		name := path[strings.LastIndexByte(path, '.')+1:]
		if name == "ClusterDefaults" {
			v.check(path, key, val, obj(map[string]*spec{"Args": kustoArgs(true)}), false, depth)
			return
		}
		v.check(path, key, val, obj(map[string]*spec{
			"Args":          kustoArgs(false),
			"ClusterGroups": s(kList),
		}), false, depth)
	}
	return sec
}

// userDefaultsSpec accepts both the mapping and the older list layouts of UserDefaults and
// checks that the Sentinel workspaces it loads exist.
func userDefaultsSpec() *spec {
	qp := s(kAny)
	qp.post = func(v *validator, path string, key, val *yaml.Node) {
		var names []*yaml.Node
		collect := func(n *yaml.Node) {
			n = resolve(n)
			if n == nil {
				return
			}
			switch n.Kind {
			case yaml.MappingNode:
				for _, e := range entries(n) {
					names = append(names, e.key)
				}
			case yaml.SequenceNode:
				for _, it := range n.Content {
					it = resolve(it)
					if it == nil {
						continue
					}
					if it.Kind == yaml.ScalarNode {
						names = append(names, it)
					} else if it.Kind == yaml.MappingNode && len(it.Content) >= 2 {
						names = append(names, it.Content[0])
					}
				}
			}
		}
		switch val.Kind {
		case yaml.MappingNode:
			collect(child(val, "AzureSentinel"))
		case yaml.SequenceNode:
			for _, it := range val.Content {
				it = resolve(it)
				if it != nil && it.Kind == yaml.MappingNode {
					collect(child(it, "AzureSentinel"))
				}
			}
		}
		defined := v.c.Names("AzureSentinel.Workspaces")
		for _, n := range names {
			if n.Value == "" || n.Value == "workspace" || hasExact(defined, n.Value) {
				continue
			}
			v.errorf(n, join(path, "AzureSentinel."+n.Value), "workspace %q is not defined in AzureSentinel.Workspaces%s", n.Value, didYouMean(n.Value, defined))
		}
	}
	return openObj(map[string]*spec{
		"QueryProviders": qp,
		"LoadComponents": s(kAny),
	})
}

func hasExact(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
