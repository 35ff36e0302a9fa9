// Command huntkit is the security-investigation toolkit's command line; see
// internal/cli for the commands and README.md for a tour.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/huntkit/huntkit/internal/cli"
	"github.com/huntkit/huntkit/internal/cliapp"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, cliapp.New(), os.Args[1:])
	stop()
	os.Exit(code)
}
