package queries

import "os"

func tempDir() (string, error) { return os.MkdirTemp("", "huntkit-demo-test-") }
