package queries

import (
	"os"
	"testing"
)

var demoTempDir string

func tempDir() (string, error) {
	d, err := os.MkdirTemp("", "huntkit-demo-test-")
	demoTempDir = d
	return d, err
}

// TestMain removes the shared demo tenant after the tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if demoData != nil {
		_ = demoData.ws.Close()
	}
	if demoTempDir != "" {
		_ = os.RemoveAll(demoTempDir)
	}
	os.Exit(code)
}
