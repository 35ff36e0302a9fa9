// Package cluster groups similar events: msticpy's eventcluster features for process and
// command-line events (character scores, delimiter counts and hashes, path hashes, ...),
// DBSCAN over a k-d tree (memory grows with the number of distinct points, not with their
// neighbourhoods) and k-means.
package cluster

import (
	"hash/crc32"
	"math"
	"strings"
	"unicode"
	"unicode/utf8"
)

// isDelim reports whether r is one of msticpy's token delimiters: [\s\-\\/\.,"'|&:;%$()].
func isDelim(r rune) bool {
	switch r {
	case '-', '\\', '/', '.', ',', '"', '\'', '|', '&', ':', ';', '%', '$', '(', ')':
		return true
	}
	return unicode.IsSpace(r) || r == '\x1c' || r == '\x1d' || r == '\x1e' || r == '\x1f'
}

// DelimCount counts the delimiter characters of s (msticpy's delim_count).
func DelimCount(s string) int {
	n := 0
	for _, r := range s {
		if isDelim(r) {
			n++
		}
	}
	return n
}

// DelimHash is the CRC-32 of the delimiters of s in order (msticpy's delim_hash): command
// lines with the same shape but other words hash alike.
func DelimHash(s string) uint32 {
	var buf []byte
	for _, r := range s {
		if isDelim(r) {
			buf = utf8.AppendRune(buf, r)
		}
	}
	return crc32.ChecksumIEEE(buf)
}

// CharScore is the sum of the code points of s (msticpy's char_ord_score).
func CharScore(s string) int64 {
	var n int64
	for _, r := range s {
		n += int64(r)
	}
	return n
}

// TokenCount is the number of space-separated tokens of s (msticpy's token_count: empty
// tokens count).
func TokenCount(s string) int { return strings.Count(s, " ") + 1 }

// Hash is the CRC-32 of s in UTF-8 (msticpy's crc32_hash).
func Hash(s string) uint32 { return crc32.ChecksumIEEE([]byte(s)) }

// Entropy is the Shannon entropy of the characters of s, in bits per character.
func Entropy(s string) float64 {
	if s == "" {
		return 0
	}
	var ascii [128]int32
	var other map[rune]int
	n := 0
	for _, r := range s {
		if r < 128 {
			ascii[r]++
		} else {
			if other == nil {
				other = map[rune]int{}
			}
			other[r]++
		}
		n++
	}
	h, fn := 0.0, float64(n)
	for _, c := range ascii {
		if c > 0 {
			p := float64(c) / fn
			h -= p * math.Log2(p)
		}
	}
	for _, c := range other {
		p := float64(c) / fn
		h -= p * math.Log2(p)
	}
	return h
}

// ProcessFeatures are msticpy's add_process_features for one event, with the
// command line's character entropy added.
type ProcessFeatures struct {
	ProcessName           string
	PathScore             int64
	PathLogScore          float64
	PathHash              uint32
	CommandlineLen        int
	CommandlineLogLen     float64
	CommandlineTokensFull int
	CommandlineScore      int64
	CommandlineTokensHash uint32
	CommandlineEntropy    float64
	IsSystemSession       bool
}

// Features computes the features of one process event; sep is the path separator.
func Features(path, cmdline, logonID string, sep string) ProcessFeatures {
	f := ProcessFeatures{
		PathScore:             CharScore(path),
		PathHash:              Hash(path),
		CommandlineLen:        utf8.RuneCountInString(cmdline),
		CommandlineTokensFull: DelimCount(cmdline),
		CommandlineScore:      CharScore(cmdline),
		CommandlineTokensHash: DelimHash(cmdline),
		CommandlineEntropy:    Entropy(cmdline),
		IsSystemSession:       logonID == "0x3e7" || logonID == "-1",
	}
	f.ProcessName = path
	if i := strings.LastIndex(path, sep); i >= 0 && sep != "" {
		f.ProcessName = path[i+len(sep):]
	}
	if f.PathScore != 0 {
		f.PathLogScore = math.Log10(float64(f.PathScore))
	}
	if f.CommandlineLen != 0 {
		f.CommandlineLogLen = math.Log10(float64(f.CommandlineLen))
	}
	return f
}
