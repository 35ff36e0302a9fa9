package config

import "strings"

// Closest returns the candidate nearest to name (case-insensitive edit distance), or ""
// when none is close enough to be a likely typo.
func Closest(name string, candidates []string) string {
	best, bestD := "", -1
	ln := strings.ToLower(name)
	for _, c := range candidates {
		lc := strings.ToLower(c)
		if lc == ln {
			return c
		}
		d := editDistance(ln, lc)
		if strings.HasPrefix(lc, ln) || strings.HasPrefix(ln, lc) {
			// "Virus" for "VirusTotal", "GeoIPLiteX" for "GeoIPLite"
			if m := min(len(ln), len(lc)); m >= 3 {
				d = min(d, 2)
			}
		}
		if bestD < 0 || d < bestD {
			best, bestD = c, d
		}
	}
	limit := max(2, len([]rune(name))/3)
	if bestD < 0 || bestD > limit {
		return ""
	}
	return best
}

// editDistance is the Levenshtein distance between a and b (in runes).
func editDistance(a, b string) int {
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

// didYouMean returns ` (did you mean "X"?)` or "".
func didYouMean(name string, candidates []string) string {
	if s := Closest(name, candidates); s != "" && s != name {
		return ` (did you mean "` + s + `"?)`
	}
	return ""
}
