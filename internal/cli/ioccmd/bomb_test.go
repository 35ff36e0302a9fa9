package ioccmd

import (
	"bytes"
	"compress/gzip"
)

// gzBomb writes a gzip stream of 16 MiB of zeros (about 16 KiB compressed).
func gzBomb(buf *bytes.Buffer) {
	w, _ := gzip.NewWriterLevel(buf, gzip.BestCompression)
	w.Write(make([]byte, 16<<20))
	w.Close()
}
