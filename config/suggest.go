package config

import "github.com/huntkit/huntkit/internal/suggest"

// didYouMean returns ` (did you mean "X"?)` for the candidate closest to name, or "".
func didYouMean(name string, candidates []string) string {
	if s := suggest.Closest(name, candidates); s != "" && s != name {
		return ` (did you mean "` + s + `"?)`
	}
	return ""
}
