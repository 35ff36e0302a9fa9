package config

import (
	"context"
	"io"
	"os"
	"strings"
	"testing"
)

// FuzzLoad feeds arbitrary text to the loader and then exercises every reader of the
// result: nothing may panic or hang, and a loaded file must validate and print.
func FuzzLoad(f *testing.F) {
	for _, name := range []string{"testdata/msticpyconfig.yaml", "testdata/problems.yaml"} {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	f.Add(Starter())
	f.Add([]byte(secretDoc))
	for _, s := range []string{
		"", "~", "---\n", "Azure: {cloud: global}\n---\nx: 1\n", "- a\n- b\n", "a: &a [*a]\n",
		"x: &x {<<: *x}\n", "a: &a {b: 1}\nc:\n  <<: [*a, *a]\n", "KeyVault:\n", "TIProviders:\n  OTX:\n",
		"TIProviders: {OTX: {Args: {AuthKey: {KeyVault: a/b/c}}}}", "AzureSentinel: {Workspaces: [1, 2]}",
		"DataProviders: {LocalData: {data_paths: [~/x, null, {a: b}]}}", "? [a]\n: b\n", "a: !!binary aGVsbG8=\n",
		"UserDefaults: {QueryProviders: [{AzureSentinel: [x, {y: z}]}]}",
	} {
		f.Add([]byte(s))
	}
	paths := []string{"", "Azure.cloud", "TIProviders.OTX.Args.AuthKey", "AzureSentinel.Workspaces.Default",
		"QueryDefinitions.Custom.0", "a", "x.y.z", "KeyVault"}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse("fuzz.yaml", data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.yaml") {
				t.Fatalf("error without the file name: %v", err)
			}
			return
		}
		for _, p := range paths {
			c.Lookup(p)
			c.String(p)
			c.Bool(p)
			c.Int(p)
			c.Strings(p)
			c.IsSet(p)
			c.Ref(p)
			for _, n := range c.Names(p) {
				c.Secret(context.Background(), p+"."+n)
			}
			c.Secret(context.Background(), p)
			_ = c.WriteMaskedKey(io.Discard, p)
		}
		c.Workspace("")
		c.QueryPaths()
		c.DataPaths()
		for _, p := range c.Validate() {
			if p.File != "fuzz.yaml" {
				t.Fatalf("problem without file: %+v", p)
			}
		}
		_ = c.WriteMasked(io.Discard)
	})
}
