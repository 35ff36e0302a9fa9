package decode

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"sync"
)

const ratioFloor = 1 << 20 // outputs under 1 MiB are never refused for their ratio

// outLimit is the most bytes one stream compressed to n bytes may expand to.
func (d *decoder) outLimit(n int) (limit int, byRatio bool) {
	limit = d.o.maxItem
	if rest := d.o.maxTotal - d.total; rest < limit {
		limit = rest
	}
	if d.o.maxRatio > 0 {
		r := n * d.o.maxRatio
		if r < ratioFloor {
			r = ratioFloor
		}
		if r < limit {
			return r, true
		}
	}
	return limit, false
}

// readLimited reads r up to limit bytes; it fails when there is more.
// hint is the expected output size: the buffer is sized once for it (within the limit).
func readLimited(r io.Reader, limit int, byRatio bool, inSize, hint int, buf *bytes.Buffer) error {
	if hint > 0 {
		buf.Grow(min(limit+1, hint+512))
	}
	_, err := io.Copy(buf, io.LimitReader(r, int64(limit)+1))
	if buf.Len() > limit {
		if byRatio {
			return fmt.Errorf("%w: more than %d bytes from %d (ratio over %d:1)", ErrRatio, limit, inSize, limit/max(inSize, 1))
		}
		return fmt.Errorf("%w: more than %d bytes", ErrSize, limit)
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	return nil
}

// state holds decompressors reused from one input to the next (their windows are large).
type state struct {
	gz *gzip.Reader
}

var (
	statePool sync.Pool // *state
	flatePool sync.Pool // io.ReadCloser implementing flate.Resetter
)

// inflate decompresses a gzip or zlib stream within the limits.
func (d *decoder) inflate(data []byte, typ string) ([]byte, string, error) {
	limit, byRatio := d.outLimit(len(data))
	var buf bytes.Buffer
	switch typ {
	case TypeGzip:
		zr := d.st.gz
		if zr != nil {
			if err := zr.Reset(bytes.NewReader(data)); err != nil {
				return nil, "", fmt.Errorf("gzip: %w: %v", ErrCorrupt, err)
			}
		} else {
			var err error
			zr, err = gzip.NewReader(bytes.NewReader(data))
			if err != nil {
				return nil, "", fmt.Errorf("gzip: %w: %v", ErrCorrupt, err)
			}
			d.st.gz = zr
		}
		zr.Multistream(false)
		name := zr.Name
		err := readLimited(zr, limit, byRatio, len(data), 4*len(data), &buf)
		if err != nil {
			return nil, name, fmt.Errorf("gzip: %w", err)
		}
		return buf.Bytes(), name, nil
	case TypeZlib:
		zr, err := zlib.NewReader(bytes.NewReader(data))
		if err != nil {
			return nil, "", fmt.Errorf("zlib: %w: %v", ErrCorrupt, err)
		}
		err = readLimited(zr, limit, byRatio, len(data), 4*len(data), &buf)
		zr.Close()
		if err != nil {
			return nil, "", fmt.Errorf("zlib: %w", err)
		}
		return buf.Bytes(), "", nil
	}
	return nil, "", fmt.Errorf("%w: not a compressed stream", ErrCorrupt)
}

// Inflate decompresses a raw DEFLATE stream (as in PowerShell's DeflateStream payloads)
// within the given output limit.
func Inflate(data []byte, limit int) ([]byte, error) {
	var fr io.ReadCloser
	if v := flatePool.Get(); v != nil {
		fr = v.(io.ReadCloser)
		_ = fr.(flate.Resetter).Reset(bytes.NewReader(data), nil)
	} else {
		fr = flate.NewReader(bytes.NewReader(data))
	}
	defer flatePool.Put(fr)
	var buf bytes.Buffer
	if err := readLimited(fr, limit, false, len(data), 4*len(data), &buf); err != nil {
		return nil, fmt.Errorf("deflate: %w", err)
	}
	return buf.Bytes(), nil
}

type member struct {
	name string
	data []byte
}

// members lists and reads the members of a zip or tar archive within the limits. On error the
// members read so far are returned with it.
func (d *decoder) members(data []byte, typ, ref string) ([]member, error) {
	switch typ {
	case TypeZip:
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return nil, fmt.Errorf("zip: %w: %v", ErrCorrupt, err)
		}
		var out []member
		spent := 0
		for _, f := range zr.File {
			if f.FileInfo().IsDir() {
				continue
			}
			if len(out) >= d.o.maxItems {
				return out, fmt.Errorf("zip: %w: more than %d members", ErrItems, d.o.maxItems)
			}
			limit, byRatio := d.outLimit(int(f.CompressedSize64))
			limit -= spent
			if limit < 0 {
				limit = 0
			}
			// refuse on the declared sizes first, then hold the reader to the limit anyway
			if f.UncompressedSize64 > uint64(limit) {
				sentinel := ErrSize
				if byRatio {
					sentinel = ErrRatio
				}
				return out, fmt.Errorf("zip member %s: %w: declares %d bytes from %d (limit %d)",
					f.Name, sentinel, f.UncompressedSize64, f.CompressedSize64, limit)
			}
			rc, err := f.Open()
			if err != nil {
				return out, fmt.Errorf("zip member %s: %w: %v", f.Name, ErrCorrupt, err)
			}
			var buf bytes.Buffer
			err = readLimited(rc, limit, byRatio, int(f.CompressedSize64), int(min(f.UncompressedSize64, uint64(limit))), &buf)
			rc.Close()
			if err != nil {
				return out, fmt.Errorf("zip member %s: %w", f.Name, err)
			}
			spent += buf.Len()
			out = append(out, member{name: f.Name, data: buf.Bytes()})
		}
		return out, nil
	case TypeTar:
		tr := tar.NewReader(bytes.NewReader(data))
		var out []member
		for {
			h, err := tr.Next()
			if errors.Is(err, io.EOF) {
				return out, nil
			}
			if err != nil {
				return out, fmt.Errorf("tar: %w: %v", ErrCorrupt, err)
			}
			if h.Typeflag != tar.TypeReg && h.Typeflag != tar.TypeRegA {
				continue
			}
			if len(out) >= d.o.maxItems {
				return out, fmt.Errorf("tar: %w: more than %d members", ErrItems, d.o.maxItems)
			}
			// tar does not compress: members are bounded by the archive's own size
			var buf bytes.Buffer
			if err := readLimited(tr, len(data), false, len(data), int(min(h.Size, int64(len(data)))), &buf); err != nil {
				return out, fmt.Errorf("tar member %s: %w", h.Name, err)
			}
			out = append(out, member{name: h.Name, data: buf.Bytes()})
		}
	}
	return nil, fmt.Errorf("%w: not an archive", ErrCorrupt)
}
