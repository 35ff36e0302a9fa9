// Package suggest finds the known names closest to a mistyped one, for "did you mean ...?"
// hints in error messages. Names are compared case-insensitively by Levenshtein edit
// distance over runes; only candidates close enough to be a likely typo are offered.
package suggest

import (
	"sort"
	"strings"
)

// Distance returns the Levenshtein edit distance between a and b, counted in runes
// (insertions, deletions and substitutions each cost 1). It is case-sensitive.
func Distance(a, b string) int {
	if a == b {
		return 0
	}
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// limit is the largest distance still taken for a typo of name.
func limit(name string) int {
	return max(2, len([]rune(name))/3)
}

// Closest returns the candidate nearest to name, or "" when none is close enough to be a
// likely typo. A case-insensitive exact match wins outright; a candidate that starts with
// name, or that name starts with (both at least 3 runes long), counts as distance 2 at most,
// so "Virus" finds "VirusTotal".
func Closest(name string, candidates []string) string {
	best, bestD := "", -1
	ln := strings.ToLower(name)
	for _, c := range candidates {
		lc := strings.ToLower(c)
		if lc == ln {
			return c
		}
		d := Distance(ln, lc)
		if (strings.HasPrefix(lc, ln) || strings.HasPrefix(ln, lc)) && min(len(ln), len(lc)) >= 3 {
			d = min(d, 2)
		}
		if bestD < 0 || d < bestD {
			best, bestD = c, d
		}
	}
	if bestD < 0 || bestD > limit(name) {
		return ""
	}
	return best
}

// Ranked returns up to n distinct candidates close to name, nearest first (ties in name
// order). A candidate is close when its distance is within the typo limit, or when one of
// the two contains the other and the shorter is at least 3 runes long ("logon" finds
// "list_host_logons"). Duplicate candidates are offered once.
func Ranked(name string, candidates []string, n int) []string {
	type scored struct {
		s string
		d int
	}
	ln := strings.ToLower(name)
	lim := limit(name)
	seen := make(map[string]bool, len(candidates))
	var out []scored
	for _, c := range candidates {
		if seen[c] {
			continue
		}
		seen[c] = true
		lc := strings.ToLower(c)
		d := Distance(ln, lc)
		sub := min(len([]rune(ln)), len([]rune(lc))) >= 3 && (strings.Contains(lc, ln) || strings.Contains(ln, lc))
		if d <= lim || sub {
			out = append(out, scored{c, d})
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].d != out[j].d {
			return out[i].d < out[j].d
		}
		return out[i].s < out[j].s
	})
	res := make([]string, 0, min(n, len(out)))
	for i := 0; i < len(out) && i < n; i++ {
		res = append(res, out[i].s)
	}
	return res
}
