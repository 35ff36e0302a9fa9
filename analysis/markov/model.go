// Package markov models sessions of commands as a first-order Markov chain, at msticpy's
// three levels (commands; commands and their parameters; commands, parameters and values),
// with Laplace smoothing and an unknown token for what training never saw, and scores
// sessions by their likelihood and by their rarest sliding window.
//
// The model keeps the raw counts of training (so it can be saved, loaded and merged
// exactly) and derives msticpy's smoothed probabilities from them in closed form: every
// pair of known commands (and the unknown token) gets one more count, every parameter of
// a command and every value of a parameter one more, and the unknown token one. The
// numbers match msticpy's anomalous_sequence module.
package markov

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
)

// The reserved tokens, as msticpy names them.
const (
	StartToken = "##START##"
	EndToken   = "##END##"
	UnkToken   = "##UNK##"
)

// Level is how much of a command the model looks at.
type Level int

// The three levels.
const (
	Commands Level = iota + 1 // command names only
	Params                    // names and the set of parameters used
	Values                    // names, parameters and, for modellable parameters, their values
)

var levelNames = map[Level]string{Commands: "commands", Params: "params", Values: "values"}

func (l Level) String() string {
	if s, ok := levelNames[l]; ok {
		return s
	}
	return fmt.Sprintf("Level(%d)", int(l))
}

// ParseLevel reads "commands", "params" or "values" (and msticpy's cmds_only,
// cmds_params_only, cmds_params_values).
func ParseLevel(s string) (Level, error) {
	switch s {
	case "commands", "cmds", "cmds_only":
		return Commands, nil
	case "params", "cmds_params_only":
		return Params, nil
	case "values", "cmds_params_values":
		return Values, nil
	}
	return 0, fmt.Errorf("%w: level %q (want commands, params or values)", ErrInput, s)
}

// Param is one parameter of a command; Value is "" when it has none.
type Param struct {
	Name, Value string
}

// Cmd is one command of a session.
type Cmd struct {
	Name   string
	Params []Param
}

// Session is a sequence of commands.
type Session []Cmd

// ErrInput says that sessions or options are not usable.
var ErrInput = errors.New("markov")

type paramCount struct {
	id    int32
	count int64
}

type valueCount struct {
	value string
	count int64
}

// Model is a trained Markov model of sessions.
type Model struct {
	level    Level
	sessions int64

	names    []string // commands in first-seen order; 0 is StartToken
	cmdIdx   map[string]int32
	cmdCount []int64          // raw counts of each command (and of start and end)
	next     map[uint64]int64 // raw pair counts, prev<<32 | cur
	rowSum   []int64          // raw count of pairs starting with each command
	total    int64            // sum of cmdCount

	params     []string // parameters in first-seen order
	paramIdx   map[string]int32
	paramCount []int64
	cmdParams  [][]paramCount // per command, its parameters in first-seen order
	cmdParamAt map[uint64]int // cmd<<32 | param -> index in cmdParams[cmd]

	values     [][]valueCount // per parameter, its non-empty values in first-seen order
	valueAt    []map[string]int
	modellable []bool // per parameter: its values are modelled (Values level)
	fixedModel bool   // modellable was given, not derived

	once    sync.Once
	derived *derived
}

// Option adjusts training.
type Option func(*Model)

// Modellable names the parameters whose values are modelled at the Values level, instead
// of msticpy's rule (at most 20 distinct values, seen at least 20 times, distinct values
// at most 10% of uses).
func Modellable(names ...string) Option {
	return func(m *Model) {
		m.fixedModel = true
		for _, n := range names {
			m.modellable[m.param(n)] = true
		}
	}
}

func newModel(level Level) *Model {
	m := &Model{level: level, cmdIdx: map[string]int32{}, next: map[uint64]int64{},
		paramIdx: map[string]int32{}, cmdParamAt: map[uint64]int{}}
	m.cmd(StartToken)
	return m
}

// Train counts sessions into a new model at level (0: taken from the first command, as
// msticpy does: no parameters means Commands, parameters without values Params, else
// Values). Sessions must be non-empty.
func Train(ctx context.Context, sessions []Session, level Level, opts ...Option) (*Model, error) {
	if len(sessions) == 0 {
		return nil, fmt.Errorf("%w: no sessions to train on", ErrInput)
	}
	if level == 0 {
		level = Detect(sessions)
	}
	if _, ok := levelNames[level]; !ok {
		return nil, fmt.Errorf("%w: unknown level %d", ErrInput, level)
	}
	m := newModel(level)
	for _, o := range opts {
		o(m)
	}
	for i, s := range sessions {
		if len(s) == 0 {
			return nil, fmt.Errorf("%w: session %d is empty (each session needs at least one command)", ErrInput, i+1)
		}
		if i%4096 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		m.add(s)
	}
	m.finish()
	return m, nil
}

// Detect tells the level of sessions from their content: any value means Values, any
// parameter Params, else Commands. (msticpy looks at the Python type of the first command;
// readers of typed input, such as FromValue, tell the level themselves.)
func Detect(sessions []Session) Level {
	level := Commands
	for _, s := range sessions {
		for _, c := range s {
			for _, p := range c.Params {
				if p.Value != "" {
					return Values
				}
				level = Params
			}
		}
	}
	return level
}

func (m *Model) cmd(name string) int32 {
	if i, ok := m.cmdIdx[name]; ok {
		return i
	}
	i := int32(len(m.names))
	m.cmdIdx[name] = i
	m.names = append(m.names, name)
	m.cmdCount = append(m.cmdCount, 0)
	m.rowSum = append(m.rowSum, 0)
	m.cmdParams = append(m.cmdParams, nil)
	return i
}

func (m *Model) param(name string) int32 {
	if i, ok := m.paramIdx[name]; ok {
		return i
	}
	i := int32(len(m.params))
	m.paramIdx[name] = i
	m.params = append(m.params, name)
	m.paramCount = append(m.paramCount, 0)
	m.values = append(m.values, nil)
	m.valueAt = append(m.valueAt, nil)
	m.modellable = append(m.modellable, false)
	return i
}

func pair(a, b int32) uint64 { return uint64(uint32(a))<<32 | uint64(uint32(b)) }

func (m *Model) addPair(a, b int32, n int64) {
	m.next[pair(a, b)] += n
	m.rowSum[a] += n
}

// add counts one session.
func (m *Model) add(s Session) {
	m.sessions++
	prev := int32(0)
	m.cmdCount[0]++
	for _, c := range s {
		cur := m.cmd(c.Name)
		m.cmdCount[cur]++
		m.addPair(prev, cur, 1)
		prev = cur
		if m.level == Commands {
			continue
		}
		for _, p := range c.Params {
			m.addParam(cur, p)
		}
	}
	end := m.cmd(EndToken)
	m.addPair(prev, end, 1)
	m.cmdCount[end]++
}

func (m *Model) addParam(cmd int32, p Param) {
	id := m.param(p.Name)
	m.paramCount[id]++
	k := pair(cmd, id)
	if at, ok := m.cmdParamAt[k]; ok {
		m.cmdParams[cmd][at].count++
	} else {
		m.cmdParamAt[k] = len(m.cmdParams[cmd])
		m.cmdParams[cmd] = append(m.cmdParams[cmd], paramCount{id, 1})
	}
	if m.level != Values || p.Value == "" {
		return
	}
	if m.valueAt[id] == nil {
		m.valueAt[id] = map[string]int{}
	}
	if at, ok := m.valueAt[id][p.Value]; ok {
		m.values[id][at].count++
	} else {
		m.valueAt[id][p.Value] = len(m.values[id])
		m.values[id] = append(m.values[id], valueCount{p.Value, 1})
	}
}

// finish derives the totals and, at the Values level, the modellable parameters.
func (m *Model) finish() {
	m.total = 0
	for _, n := range m.cmdCount {
		m.total += n
	}
	if m.level != Values || m.fixedModel {
		return
	}
	for id, vals := range m.values {
		if len(vals) == 0 {
			continue
		}
		d, n := int64(len(vals)), m.paramCount[id]
		m.modellable[id] = d <= 20 && 20 <= n && 100*float64(d)/float64(n) <= 10
	}
}

// Level returns the model's level.
func (m *Model) Level() Level { return m.level }

// Sessions returns the number of sessions the model was trained on.
func (m *Model) Sessions() int64 { return m.sessions }

// Commands returns the commands the model knows, in first-seen order, with the start and
// end tokens.
func (m *Model) Commands() []string { return append([]string(nil), m.names...) }

// ModellableParams returns the parameters whose values are modelled.
func (m *Model) ModellableParams() []string {
	var out []string
	for id, ok := range m.modellable {
		if ok {
			out = append(out, m.params[id])
		}
	}
	return out
}

// vocab is the number of commands of the smoothed model: the known ones and the unknown token.
func (m *Model) vocab() int64 { return int64(len(m.names)) + 1 }

// known returns a command's index, or -1 for a command training never saw.
func (m *Model) known(name string) int32 {
	if i, ok := m.cmdIdx[name]; ok {
		return i
	}
	return -1
}

// smoothedCount is msticpy's Laplace-smoothed count of a command (-1: the unknown token).
func (m *Model) smoothedCount(c int32) float64 {
	v := m.vocab() - 1
	if c < 0 {
		return float64(2 * v)
	}
	n := m.cmdCount[c]
	if m.names[c] != EndToken {
		n += v
	}
	if c != 0 {
		n += v
	}
	return float64(n)
}

func (m *Model) smoothedTotal() float64 {
	v := m.vocab() - 1
	return float64(m.total + 2*v*v)
}

// Prior returns the smoothed probability of a command (unknown commands: the unknown token's).
func (m *Model) Prior(cmd string) float64 {
	return m.smoothedCount(m.known(cmd)) / m.smoothedTotal()
}

// Trans returns the smoothed probability that cur follows prev.
func (m *Model) Trans(prev, cur string) float64 { return m.trans(m.known(prev), m.known(cur)) }

func (m *Model) trans(a, b int32) float64 {
	v := m.vocab() - 1
	if a < 0 || m.names[a] == EndToken { // no row: the unknown token's
		return 1 / float64(v)
	}
	var n int64
	if b > 0 { // b == 0 is the start token, never a successor
		n = m.next[pair(a, b)]
	}
	return float64(n+1) / float64(m.rowSum[a]+v)
}

// ParamProb returns the smoothed probability that cmd is used with param.
func (m *Model) ParamProb(cmd, param string) float64 {
	c := m.known(cmd)
	if id, ok := m.paramIdx[param]; ok && c >= 0 {
		if at, ok := m.cmdParamAt[pair(c, id)]; ok {
			return float64(m.cmdParams[c][at].count+1) / m.smoothedCount(c)
		}
	}
	if c >= 0 && param == UnkToken {
		return 1 / m.smoothedCount(c)
	}
	return 1 / m.smoothedCount(-1)
}

// ValueProb returns the smoothed probability of value for param.
func (m *Model) ValueProb(param, value string) float64 {
	id, ok := m.paramIdx[param]
	if !ok {
		return 1
	}
	return m.valueProb(id, value)
}

func (m *Model) valueProb(id int32, value string) float64 {
	var sum int64
	for _, v := range m.values[id] {
		sum += v.count + 1
	}
	sum++
	if at, ok := m.valueAt[id][value]; ok && value != "" {
		return float64(m.values[id][at].count+1) / float64(sum)
	}
	return 1 / float64(sum)
}

// ParamSetProb returns the probability of the parameters of c given its command: the
// product over the parameters known for the command (and the unknown token) of p when
// used and 1-p when not (times the value's probability for modellable parameters at the
// Values level), and with geo its geometric mean. Parameters the command was never seen
// with do not count, as in msticpy. A command without parameters gives 1.
func (m *Model) ParamSetProb(c Cmd, geo bool) float64 {
	var sc scratch
	return m.paramTerm(m.known(c.Name), c, geo, &sc)
}

// scratch is per-call memory for paramTerm: the parameter ids of a command and a cache of
// parameter-set terms by command and presence mask.
type scratch struct {
	ids   []int32
	cache map[maskKey]float64
}

type maskKey struct {
	cmd  int32
	geo  bool
	mask uint64
}

func (m *Model) paramTerm(cmd int32, c Cmd, geo bool, sc *scratch) float64 {
	if len(c.Params) == 0 || m.level == Commands {
		return 1
	}
	t := m.tables()
	ref := t.unkRef
	if cmd >= 0 {
		ref = t.refs[cmd]
	}
	sc.ids = sc.ids[:0]
	values := false
	for _, p := range c.Params {
		if id, ok := m.paramIdx[p.Name]; ok {
			sc.ids = append(sc.ids, id)
			values = values || (m.level == Values && m.modellable[id])
		}
	}
	var key maskKey
	cacheable := !values && len(ref) <= 64
	if cacheable {
		key = maskKey{cmd: cmd, geo: geo}
		for j, r := range ref {
			if r.id >= 0 && slices.Contains(sc.ids, r.id) {
				key.mask |= 1 << j
			}
		}
		if v, ok := sc.cache[key]; ok {
			return v
		}
	}
	lik, k := 1.0, 0
	for _, r := range ref {
		k++
		if r.id < 0 || !slices.Contains(sc.ids, r.id) { // the unknown token is never used
			lik *= 1 - r.p
			continue
		}
		lik *= r.p
		if values && m.modellable[r.id] {
			k++
			lik *= m.valueProb(r.id, valueOf(c, m.params[r.id]))
		}
	}
	if geo {
		lik = math.Pow(lik, 1/float64(k))
	}
	if cacheable {
		if sc.cache == nil {
			sc.cache = map[maskKey]float64{}
		}
		sc.cache[key] = lik
	}
	return lik
}

func valueOf(c Cmd, name string) string {
	for _, p := range c.Params {
		if p.Name == name {
			return p.Value
		}
	}
	return ""
}

// derived holds what scoring reads many times, computed once from the counts.
type derived struct {
	n      int       // commands
	dense  []float64 // n×n transition probabilities when n is small, else nil
	prior  []float64
	refs   [][]refParam // per command: its parameters' probabilities, the unknown token last
	unkRef []refParam
}

type refParam struct {
	id int32 // -1: the unknown token
	p  float64
}

const maxDense = 1024

func (m *Model) tables() *derived {
	m.once.Do(func() {
		n := len(m.names)
		d := &derived{n: n, prior: make([]float64, n), refs: make([][]refParam, n)}
		total := m.smoothedTotal()
		for c := range n {
			d.prior[c] = m.smoothedCount(int32(c)) / total
			sc := m.smoothedCount(int32(c))
			for _, pc := range m.cmdParams[c] {
				d.refs[c] = append(d.refs[c], refParam{pc.id, float64(pc.count+1) / sc})
			}
			d.refs[c] = append(d.refs[c], refParam{-1, 1 / sc})
		}
		d.unkRef = []refParam{{-1, 1 / m.smoothedCount(-1)}}
		if n <= maxDense {
			d.dense = make([]float64, n*n)
			for a := range n {
				for b := range n {
					d.dense[a*n+b] = m.trans(int32(a), int32(b))
				}
			}
		}
		m.derived = d
	})
	return m.derived
}

// transFast is trans through the dense table when there is one.
func (m *Model) transFast(a, b int32) float64 {
	if t := m.tables(); t.dense != nil && a >= 0 && b >= 0 {
		return t.dense[int(a)*t.n+int(b)]
	}
	return m.trans(a, b)
}
