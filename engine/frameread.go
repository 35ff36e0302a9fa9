package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"sync"
	"time"
	"unsafe"

	"github.com/duckdb/duckdb-go/v2/mapping"

	"github.com/huntkit/huntkit/frame"
)

// ReadFrame reads a table file into a Frame with the reader, options, type detection and
// error messages of Import, without a table in between: the rows of DuckDB's reader are
// copied chunk by chunk into typed columns (no per-value conversion through database/sql).
// It uses a private in-memory database, so no workspace is needed. Zip archives and columns
// of types other than text, numbers, booleans, dates and timestamps take the Import + Query
// path instead.
func ReadFrame(ctx context.Context, path string) (*frame.Frame, error) {
	kind, err := sourceKind(path)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("import %s: %w", path, err)
	}
	if kind == "zip" || kind == "zeek" {
		return readViaTable(ctx, path)
	}
	rc, err := openRaw()
	if err != nil {
		return nil, err
	}
	defer rc.close()
	var src func(full bool) string
	headerFields := 0
	switch kind {
	case "csv":
		n, err := scanCSV(ctx, path, 20480)
		if err != nil {
			return nil, fmt.Errorf("import %w", err)
		}
		headerFields = n
		var text []string
		sample := "SELECT * FROM read_csv(" + pathsArg([]string{path}) + csvDialect([]string{path}) +
			", all_varchar=true" + sampling([]string{path}, false) + ") LIMIT 20480"
		if f, err := rc.query(ctx, sample); err == nil {
			text = hexNames(f)
		}
		src = func(full bool) string { return csvSource([]string{path}, full, text, 0) }
	case "json":
		src = func(full bool) string { return jsonSource([]string{path}, full) }
	case "parquet":
		src = func(bool) string { return "read_parquet(" + QuoteString(path) + ")" }
	}
	f, err := rc.query(ctx, "SELECT * FROM "+src(false))
	if err != nil && ctx.Err() == nil && kind != "parquet" && !errors.Is(err, errRawType) {
		// as Import: a value past the type-detection sample may not fit: detect over every row
		f, err = rc.query(ctx, "SELECT * FROM "+src(true))
	}
	if errors.Is(err, errRawType) {
		return readViaTable(ctx, path)
	}
	if err != nil {
		switch kind {
		case "csv":
			if perr := locateCSVProblem(ctx, path); perr != nil {
				return nil, fmt.Errorf("import %w", perr)
			}
		case "json":
			if perr := locateJSONLinesProblem(ctx, path); perr != nil {
				return nil, fmt.Errorf("import %w", perr)
			}
		}
		return nil, importError(ctx, path, err)
	}
	if headerFields > 0 && len(f.Columns()) != headerFields {
		if perr := locateCSVProblem(ctx, path); perr != nil {
			return nil, fmt.Errorf("import %w", perr)
		}
		return nil, fmt.Errorf("import %s: %w: the header has %d fields but the reader found %d columns", path, frame.ErrMalformed, headerFields, len(f.Columns()))
	}
	return f, nil
}

// readViaTable is the general path: import into a temporary workspace, then query.
func readViaTable(ctx context.Context, path string) (*frame.Frame, error) {
	ws, err := Open(ctx, "")
	if err != nil {
		return nil, err
	}
	defer ws.Close()
	if err := ws.Import(ctx, "t", path); err != nil {
		return nil, err
	}
	return ws.Query(ctx, "SELECT * FROM t")
}

// hexNames lists the columns of an all-text sample holding hexadecimal numbers (the columns
// Import keeps as text).
func hexNames(f *frame.Frame) []string {
	var out []string
	for _, c := range f.Columns() {
		for i := 0; i < c.Len(); i++ {
			if v := c.Str(i); len(v) > 2 && hexRE.MatchString(v) {
				out = append(out, c.Name())
				break
			}
		}
	}
	return out
}

// errRawType is returned by rawConn.query for a result column of a type it does not copy.
var errRawType = errors.New("column type not read directly")

// rawConn is a private in-memory DuckDB database and connection used through DuckDB's C API.
type rawConn struct {
	db   mapping.Database
	conn mapping.Connection
}

func openRaw() (*rawConn, error) {
	rc := &rawConn{}
	if mapping.Open("", &rc.db) == mapping.StateError {
		return nil, errors.New("open DuckDB: in-memory database")
	}
	if mapping.Connect(rc.db, &rc.conn) == mapping.StateError {
		mapping.Close(&rc.db)
		return nil, errors.New("open DuckDB: connection")
	}
	var res mapping.Result
	mapping.Query(rc.conn, "SET TimeZone='UTC'", &res)
	mapping.DestroyResult(&res)
	return rc, nil
}

func (rc *rawConn) close() {
	mapping.Disconnect(&rc.conn)
	mapping.Close(&rc.db)
}

// query runs sql and copies its result into a Frame. Cancelling ctx interrupts DuckDB. The
// result's chunks are converted by one worker per core and joined in order.
func (rc *rawConn) query(ctx context.Context, sql string) (*frame.Frame, error) {
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-ctx.Done():
			mapping.Interrupt(rc.conn)
		case <-done:
		}
	}()
	var res mapping.Result
	state := mapping.Query(rc.conn, sql, &res)
	defer mapping.DestroyResult(&res)
	if state == mapping.StateError {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		return nil, errors.New(mapping.ResultError(&res))
	}
	ncol := int(mapping.ColumnCount(&res))
	cols := make([]rawColumn, ncol)
	seen := map[string]int{}
	for i := range cols {
		name := mapping.ColumnName(&res, mapping.IdxT(i))
		if k := seen[name]; k > 0 {
			seen[name]++
			name = fmt.Sprintf("%s_%d", name, k)
		} else {
			seen[name] = 1
		}
		lt := mapping.ColumnLogicalType(&res, mapping.IdxT(i))
		id := mapping.GetTypeId(lt)
		mapping.DestroyLogicalType(&lt)
		typ, ok := rawType(id)
		if !ok {
			return nil, fmt.Errorf("%w: %s", errRawType, name)
		}
		cols[i] = rawColumn{name: name, id: id, typ: typ}
	}

	type job struct {
		idx   int
		chunk mapping.DataChunk
	}
	var pieces [][]piece // per chunk, per column
	var mu sync.Mutex
	jobs := make(chan job, 4)
	var wg sync.WaitGroup
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			interns := make([]interner, ncol)
			for j := range jobs {
				size := int(mapping.DataChunkGetSize(j.chunk))
				ps := make([]piece, ncol)
				for i := range cols {
					v := mapping.DataChunkGetVector(j.chunk, mapping.IdxT(i))
					ps[i] = cols[i].convert(mapping.VectorGetData(v), mapping.VectorGetValidity(v), size, &interns[i])
				}
				mapping.DestroyDataChunk(&j.chunk)
				mu.Lock()
				pieces[j.idx] = ps
				mu.Unlock()
			}
		}()
	}
	var err error
	for n := 0; ; n++ {
		if n&63 == 0 && ctx.Err() != nil {
			err = ctx.Err()
			break
		}
		chunk := mapping.FetchChunk(res)
		if chunk.Ptr == nil {
			break
		}
		mu.Lock()
		pieces = append(pieces, nil)
		mu.Unlock()
		jobs <- job{n, chunk}
	}
	close(jobs)
	wg.Wait()
	if err != nil {
		return nil, err
	}
	out := make([]*frame.Column, ncol)
	for i := range cols {
		out[i] = cols[i].join(pieces, i)
	}
	return frame.New(out...)
}

// rawColumn describes one result column.
type rawColumn struct {
	name string
	id   mapping.Type
	typ  frame.Type
}

// piece is one chunk's values of one column.
type piece struct {
	n      int
	strs   []string
	ints   []int64
	floats []float64
	bools  []bool
	times  []time.Time
	valid  []bool // nil: no nulls
}

// interner keeps one copy of repeated strings of a column (host names, image paths, account
// names), until the column proves to hold mostly distinct values.
type interner struct {
	m    map[string]string
	miss int
	off  bool
}

const internMax = 4096

func rawType(id mapping.Type) (frame.Type, bool) {
	switch id {
	case mapping.TypeVarchar:
		return frame.String, true
	case mapping.TypeBoolean:
		return frame.Bool, true
	case mapping.TypeTinyInt, mapping.TypeSmallInt, mapping.TypeInteger, mapping.TypeBigInt,
		mapping.TypeUTinyInt, mapping.TypeUSmallInt, mapping.TypeUInteger:
		return frame.Int, true
	case mapping.TypeFloat, mapping.TypeDouble:
		return frame.Float, true
	case mapping.TypeTimestamp, mapping.TypeTimestampTZ, mapping.TypeTimestampS, mapping.TypeTimestampMS,
		mapping.TypeTimestampNS, mapping.TypeDate:
		return frame.Time, true
	}
	return frame.Invalid, false
}

// stringT is DuckDB's duckdb_string_t: a length, then up to 12 inlined bytes, or a 4-byte
// prefix and a pointer to the bytes.
type stringT struct {
	length uint32
	prefix [4]byte
	ptr    *byte
}

const inlineLen = 12

// convert copies a flat vector of size rows.
func (c *rawColumn) convert(data, validity unsafe.Pointer, size int, in *interner) piece {
	p := piece{n: size}
	if validity != nil {
		mask := unsafe.Slice((*uint64)(validity), (size+63)/64)
		for r := 0; r < size; r++ {
			if mask[r>>6]&(1<<(r&63)) == 0 {
				if p.valid == nil {
					p.valid = make([]bool, size)
					for i := range p.valid {
						p.valid[i] = true
					}
				}
				p.valid[r] = false
			}
		}
	}
	isNull := func(r int) bool { return p.valid != nil && !p.valid[r] }
	switch c.typ {
	case frame.String:
		p.strs = c.strings(unsafe.Slice((*stringT)(data), size), isNull, in)
	case frame.Int:
		p.ints = make([]int64, size)
		for r := range p.ints {
			if !isNull(r) {
				p.ints[r] = c.intAt(data, r)
			}
		}
	case frame.Float:
		p.floats = make([]float64, size)
		for r := range p.floats {
			if isNull(r) {
				continue
			}
			if c.id == mapping.TypeFloat {
				p.floats[r] = float64(*(*float32)(unsafe.Add(data, 4*r)))
			} else {
				p.floats[r] = *(*float64)(unsafe.Add(data, 8*r))
			}
		}
	case frame.Bool:
		p.bools = make([]bool, size)
		for r := range p.bools {
			p.bools[r] = !isNull(r) && *(*byte)(unsafe.Add(data, r)) != 0
		}
	case frame.Time:
		p.times = make([]time.Time, size)
		for r := range p.times {
			if !isNull(r) {
				p.times[r] = c.timeAt(data, r)
			}
		}
	}
	return p
}

// strings copies a chunk's strings into one allocation, reusing interned repeats.
func (c *rawColumn) strings(src []stringT, isNull func(int) bool, in *interner) []string {
	out := make([]string, len(src))
	bytesAt := func(s *stringT) []byte {
		if s.length <= inlineLen {
			return unsafe.Slice((*byte)(unsafe.Add(unsafe.Pointer(s), 4)), s.length)
		}
		return unsafe.Slice(s.ptr, s.length)
	}
	total := 0
	for r := range src {
		if !isNull(r) {
			total += int(src[r].length)
		}
	}
	arena := make([]byte, 0, total)
	for r := range src {
		s := &src[r]
		if isNull(r) || s.length == 0 {
			continue
		}
		b := bytesAt(s)
		if !in.off {
			if v, ok := in.m[string(b)]; ok {
				out[r] = v
				continue
			}
		}
		start := len(arena)
		arena = append(arena, b...)
		v := unsafe.String(&arena[start], len(b))
		out[r] = v
		if !in.off {
			if in.m == nil {
				in.m = make(map[string]string)
			}
			in.miss++
			if len(in.m) < internMax {
				in.m[v] = v
			} else if in.miss > 4*internMax {
				in.off, in.m = true, nil // mostly distinct values: stop looking
			}
		}
	}
	return out
}

func (c *rawColumn) intAt(data unsafe.Pointer, r int) int64 {
	switch c.id {
	case mapping.TypeTinyInt:
		return int64(*(*int8)(unsafe.Add(data, r)))
	case mapping.TypeSmallInt:
		return int64(*(*int16)(unsafe.Add(data, 2*r)))
	case mapping.TypeInteger:
		return int64(*(*int32)(unsafe.Add(data, 4*r)))
	case mapping.TypeUTinyInt:
		return int64(*(*uint8)(unsafe.Add(data, r)))
	case mapping.TypeUSmallInt:
		return int64(*(*uint16)(unsafe.Add(data, 2*r)))
	case mapping.TypeUInteger:
		return int64(*(*uint32)(unsafe.Add(data, 4*r)))
	}
	return *(*int64)(unsafe.Add(data, 8*r))
}

func (c *rawColumn) timeAt(data unsafe.Pointer, r int) time.Time {
	switch c.id {
	case mapping.TypeDate:
		return time.Unix(int64(*(*int32)(unsafe.Add(data, 4*r)))*86400, 0).UTC()
	case mapping.TypeTimestampS:
		return time.Unix(*(*int64)(unsafe.Add(data, 8*r)), 0).UTC()
	case mapping.TypeTimestampMS:
		return time.UnixMilli(*(*int64)(unsafe.Add(data, 8*r))).UTC()
	case mapping.TypeTimestampNS:
		return time.Unix(0, *(*int64)(unsafe.Add(data, 8*r))).UTC()
	}
	return time.UnixMicro(*(*int64)(unsafe.Add(data, 8*r))).UTC()
}

// join concatenates column i of every chunk into one frame column.
func (c *rawColumn) join(pieces [][]piece, i int) *frame.Column {
	n, nulls := 0, false
	for _, ps := range pieces {
		n += ps[i].n
		nulls = nulls || ps[i].valid != nil
	}
	var valid []bool
	if nulls {
		valid = make([]bool, 0, n)
		for _, ps := range pieces {
			if v := ps[i].valid; v != nil {
				valid = append(valid, v...)
			} else {
				for range ps[i].n {
					valid = append(valid, true)
				}
			}
		}
	}
	var col *frame.Column
	switch c.typ {
	case frame.String:
		col = frame.NewStrings(c.name, gather(pieces, n, func(p *piece) []string { return p.strs }, i))
	case frame.Int:
		col = frame.NewInts(c.name, gather(pieces, n, func(p *piece) []int64 { return p.ints }, i))
	case frame.Float:
		col = frame.NewFloats(c.name, gather(pieces, n, func(p *piece) []float64 { return p.floats }, i))
	case frame.Bool:
		col = frame.NewBools(c.name, gather(pieces, n, func(p *piece) []bool { return p.bools }, i))
	default:
		col = frame.NewTimes(c.name, gather(pieces, n, func(p *piece) []time.Time { return p.times }, i))
	}
	if valid != nil {
		col = col.WithValid(valid)
	}
	return col
}

// gather concatenates one column's slices of every chunk, dropping the pieces' references.
func gather[T any](pieces [][]piece, n int, get func(*piece) []T, i int) []T {
	out := make([]T, 0, n)
	for _, ps := range pieces {
		out = append(out, get(&ps[i])...)
		ps[i] = piece{}
	}
	return out
}
