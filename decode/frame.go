package decode

import (
	"errors"
	"fmt"
	"runtime"
	"sync"

	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/internal/suggest"
)

// ErrNoColumn is returned (wrapped) by DecodeFrame when the column does not exist.
var ErrNoColumn = errors.New("no such column")

// Column names of the frames built by Frame and DecodeFrame (msticpy's unpack_df names).
const (
	ColSrcIndex     = "src_index"
	ColReference    = "reference"
	ColOriginal     = "original_string"
	ColFileName     = "file_name"
	ColFileType     = "file_type"
	ColEncoding     = "encoding_type"
	ColCharset      = "charset"
	ColDepth        = "depth"
	ColSize         = "size"
	ColDecoded      = "decoded_string"
	ColMD5          = "md5"
	ColSHA1         = "sha1"
	ColSHA256       = "sha256"
	ColSameAs       = "same_as"
	ColError        = "error"
	ColFullDecoded  = "full_decoded_string"
	binaryShowBytes = 256
)

type rows struct {
	src                                                      []int64
	ref, orig, name, ftype, enc, cs, dec, md, s1, s256, same []string
	errs, full                                               []string
	depth, size                                              []int64
}

// newRows returns rows with room for n items.
func newRows(n int) rows {
	s := func() []string { return make([]string, 0, n) }
	return rows{src: make([]int64, 0, n), ref: s(), orig: s(), name: s(), ftype: s(), enc: s(), cs: s(),
		dec: s(), md: s(), s1: s(), s256: s(), same: s(), errs: s(), full: s(),
		depth: make([]int64, 0, n), size: make([]int64, 0, n)}
}

func (r *rows) add(src int, it *Item, full string) {
	r.src = append(r.src, int64(src))
	r.ref = append(r.ref, it.Reference)
	r.orig = append(r.orig, it.Original)
	r.name = append(r.name, it.FileName)
	r.ftype = append(r.ftype, it.FileType)
	r.enc = append(r.enc, it.Encoding)
	r.cs = append(r.cs, it.Charset)
	dec := it.Text
	if it.Charset == CharsetBinary {
		dec = printableBytes(it.Data, binaryShowBytes)
	}
	r.dec = append(r.dec, dec)
	r.md = append(r.md, it.MD5)
	r.s1 = append(r.s1, it.SHA1)
	r.s256 = append(r.s256, it.SHA256)
	r.same = append(r.same, it.SameAs)
	r.errs = append(r.errs, it.Err)
	r.full = append(r.full, full)
	r.depth = append(r.depth, int64(it.Depth))
	r.size = append(r.size, int64(it.Size))
}

func (r *rows) appendRows(o *rows) {
	r.src = append(r.src, o.src...)
	r.ref = append(r.ref, o.ref...)
	r.orig = append(r.orig, o.orig...)
	r.name = append(r.name, o.name...)
	r.ftype = append(r.ftype, o.ftype...)
	r.enc = append(r.enc, o.enc...)
	r.cs = append(r.cs, o.cs...)
	r.dec = append(r.dec, o.dec...)
	r.md = append(r.md, o.md...)
	r.s1 = append(r.s1, o.s1...)
	r.s256 = append(r.s256, o.s256...)
	r.same = append(r.same, o.same...)
	r.errs = append(r.errs, o.errs...)
	r.full = append(r.full, o.full...)
	r.depth = append(r.depth, o.depth...)
	r.size = append(r.size, o.size...)
}

func (r *rows) frame(withSrc bool) *frame.Frame {
	cols := []*frame.Column{}
	if withSrc {
		cols = append(cols, frame.NewInts(ColSrcIndex, r.src))
	}
	cols = append(cols,
		frame.NewStrings(ColReference, r.ref),
		frame.NewStrings(ColOriginal, r.orig),
		frame.NewStrings(ColFileName, r.name),
		frame.NewStrings(ColFileType, r.ftype),
		frame.NewStrings(ColEncoding, r.enc),
		frame.NewStrings(ColCharset, r.cs),
		frame.NewInts(ColDepth, r.depth),
		frame.NewInts(ColSize, r.size),
		frame.NewStrings(ColDecoded, r.dec),
		frame.NewStrings(ColMD5, r.md),
		frame.NewStrings(ColSHA1, r.s1),
		frame.NewStrings(ColSHA256, r.s256),
		frame.NewStrings(ColSameAs, r.same),
		frame.NewStrings(ColError, r.errs),
	)
	if withSrc {
		cols = append(cols, frame.NewStrings(ColFullDecoded, r.full))
	}
	return frame.MustNew(cols...)
}

// Frame returns the items of a result as a frame: reference, original_string, file_name,
// file_type, encoding_type, charset, depth, size, decoded_string (text, or the first bytes in
// hex for binaries), md5, sha1, sha256, same_as, error.
func (r *Result) Frame() *frame.Frame {
	var rs rows
	for i := range r.Items {
		rs.add(0, &r.Items[i], r.Text)
	}
	return rs.frame(false)
}

// DecodeFrame decodes every cell of a text column, like msticpy's unpack_df: one row per
// decoded item with the columns of Result.Frame plus src_index (the 0-based input row) and
// full_decoded_string (the cell with its markers). Rows without payloads give no rows; limit
// errors are reported on the items concerned (column error), not as a failure. Rows are
// decoded in parallel; the output is in input order.
func DecodeFrame(f *frame.Frame, column string, opts ...Option) (*frame.Frame, error) {
	col := f.Col(column)
	if col == nil {
		return nil, fmt.Errorf("decode: column %q: %w (%s)", column, ErrNoColumn, suggest.Columns(column, f.Names()))
	}
	o := defaults()
	for _, f := range opts {
		f(&o)
	}
	n := col.Len()
	strs := col.Strings()
	workers := runtime.GOMAXPROCS(0)
	if n < 256 {
		workers = 1
	}
	chunks := workers * 8
	if workers == 1 {
		chunks = 1
	}
	size := (n + chunks - 1) / chunks
	parts := make([]rows, chunks)
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st := &state{}
			for c := range next {
				lo, hi := c*size, min((c+1)*size, n)
				for i := lo; i < hi; i++ {
					if col.IsNull(i) {
						continue
					}
					var s string
					if strs != nil {
						s = strs[i]
					} else {
						s = col.Text(i)
					}
					res, _ := decodeWith(s, o, st)
					for k := range res.Items {
						parts[c].add(i, &res.Items[k], res.Text)
					}
				}
			}
		}()
	}
	for c := 0; c < chunks; c++ {
		next <- c
	}
	close(next)
	wg.Wait()
	total := 0
	for c := range parts {
		total += len(parts[c].ref)
	}
	all := newRows(total)
	for c := range parts {
		all.appendRows(&parts[c])
		parts[c] = rows{}
	}
	return all.frame(true), nil
}
