package kql

// FunctionNames lists the names of the functions Compile translates (aliases included),
// sorted, for completion in editors and notebooks; Functions has their signatures and docs.
func FunctionNames() []string {
	fs := Functions()
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Name
	}
	return out
}
