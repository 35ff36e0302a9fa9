package ti

import (
	"encoding/json"
	"sort"
	"strings"

	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/ioc"
)

// Result-frame column names, msticpy's plus Message (why a row failed) and Cached.
var ResultColumns = []string{"Ioc", "IocType", "SafeIoc", "QuerySubtype", "Provider", "Result",
	"Severity", "Details", "RawResult", "Reference", "Status", "Message", "Cached"}

func defangValue(it Item) string { return ioc.Defang(it.Value, it.Type) }

// ResultFrame turns rows into a Frame with ResultColumns. Severity is the severity's name,
// Status msticpy's integer code, Details and RawResult dynamic (JSON) values.
func ResultFrame(rows []Row) *frame.Frame {
	n := len(rows)
	iocs, types, safe, sub, prov, sev, ref, msg := make([]string, n), make([]string, n), make([]string, n),
		make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	res, cached := make([]bool, n), make([]bool, n)
	det, raw := frame.NewBuilder("Details", frame.Dynamic, n), frame.NewBuilder("RawResult", frame.Dynamic, n)
	status := make([]int64, n)
	for i, r := range rows {
		iocs[i], types[i], safe[i], sub[i], prov[i] = r.Ioc, r.IocType, r.SafeIoc, r.QuerySubtype, r.Provider
		res[i], sev[i], ref[i] = r.Result, r.Severity.String(), r.Reference
		appendDynamic(det, r.Details)
		_ = raw.Append(r.RawResult)
		status[i], msg[i], cached[i] = int64(r.Status), r.Message, r.Cached
	}
	return frame.MustNew(
		frame.NewStrings("Ioc", iocs), frame.NewStrings("IocType", types), frame.NewStrings("SafeIoc", safe),
		frame.NewStrings("QuerySubtype", sub), frame.NewStrings("Provider", prov), frame.NewBools("Result", res),
		frame.NewStrings("Severity", sev), det.Column(), raw.Column(),
		frame.NewStrings("Reference", ref), frame.NewInts("Status", status), frame.NewStrings("Message", msg),
		frame.NewBools("Cached", cached),
	)
}

// FilterSeverity keeps the rows of a result frame whose Severity is at least min, and every
// row whose Status is a failure (so failures are never hidden by the filter).
func FilterSeverity(f *frame.Frame, min Severity) *frame.Frame {
	sc, st := f.Col("Severity"), f.Col("Status")
	if sc == nil {
		return f
	}
	return f.Filter(func(i int) bool {
		s, _ := ParseSeverity(sc.Str(i))
		if s >= min {
			return true
		}
		if st == nil {
			return false
		}
		code := Status(st.Int(i))
		return code != StatusOK && code != StatusNotPublic && code != StatusNotSupported
	})
}

// Summary folds a result frame into one row per IoC: the highest severity among providers
// that answered (unknown when none did), how many answered, how many know the IoC, how many
// failed, and a Providers map from provider to its severity (or "error: <status>").
// Columns: Ioc, IocType, Severity, Answered, Positive, Failed, Providers.
func Summary(f *frame.Frame) (*frame.Frame, error) {
	type agg struct {
		ioc, typ                 string
		sev                      Severity
		answered, positive, fail int64
		provs                    map[string]any
	}
	var order []string
	m := map[string]*agg{}
	ic, tc, pc, sc, rc, stc := f.Col("Ioc"), f.Col("IocType"), f.Col("Provider"), f.Col("Severity"), f.Col("Result"), f.Col("Status")
	if ic == nil || tc == nil || pc == nil || sc == nil || stc == nil {
		return nil, errMissingColumns
	}
	for i := 0; i < f.Len(); i++ {
		k := tc.Str(i) + "\x00" + ic.Str(i)
		a := m[k]
		if a == nil {
			a = &agg{ioc: ic.Str(i), typ: tc.Str(i), sev: SevUnknown, provs: map[string]any{}}
			m[k] = a
			order = append(order, k)
		}
		st := Status(stc.Int(i))
		if st != StatusOK {
			if st != StatusNotPublic && st != StatusNotSupported {
				a.fail++
			}
			a.provs[pc.Str(i)] = "error: " + st.String()
			continue
		}
		s, _ := ParseSeverity(sc.Str(i))
		a.answered++
		if rc != nil && rc.Bool(i) {
			a.positive++
		}
		if s > a.sev {
			a.sev = s
		}
		a.provs[pc.Str(i)] = s.String()
	}
	n := len(order)
	iocs, types, sevs := make([]string, n), make([]string, n), make([]string, n)
	ans, pos, fails := make([]int64, n), make([]int64, n), make([]int64, n)
	provs := make([]any, n)
	for i, k := range order {
		a := m[k]
		iocs[i], types[i], sevs[i] = a.ioc, a.typ, a.sev.String()
		ans[i], pos[i], fails[i], provs[i] = a.answered, a.positive, a.fail, a.provs
	}
	return frame.New(frame.NewStrings("Ioc", iocs), frame.NewStrings("IocType", types),
		frame.NewStrings("Severity", sevs), frame.NewInts("Answered", ans), frame.NewInts("Positive", pos),
		frame.NewInts("Failed", fails), frame.NewDynamics("Providers", provs))
}

// SortedNames returns the registered provider names, sorted.
func SortedNames() []string {
	var out []string
	for _, r := range Registered() {
		out = append(out, r.Name)
	}
	sort.Strings(out)
	return out
}

// TypeNames formats IoC types for display.
func TypeNames(ts []ioc.Type) string {
	s := make([]string, len(ts))
	for i, t := range ts {
		s[i] = string(t)
	}
	return strings.Join(s, ",")
}

// appendDynamic appends v as JSON values (a JSON round trip turns Go structs, typed maps
// and integer kinds into the frame's dynamic value space).
func appendDynamic(b *frame.Builder, v any) {
	if v == nil {
		b.AppendNull()
		return
	}
	bs, err := json.Marshal(v)
	if err != nil {
		b.AppendNull()
		return
	}
	b.AppendDynamic(RawJSON(bs))
}
