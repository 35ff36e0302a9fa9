// Command huntkit is the security-investigation toolkit's command line; see
// internal/cli for the commands and README.md for a tour.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/huntkit/huntkit/internal/cli"
	"github.com/huntkit/huntkit/internal/cliapp"
)

// grace is how long an interrupted run may take to stop and clean up before it is ended.
const grace = 900 * time.Millisecond

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		// Every long step checks ctx; should one not return in time, stop anyway so that
		// Ctrl-C always works (temporary files left behind are removed by the next write).
		<-ctx.Done()
		time.Sleep(grace)
		fmt.Fprintln(os.Stderr, "huntkit: interrupted")
		os.Exit(cliapp.ExitInterrupted)
	}()
	code := cli.Run(ctx, cliapp.New(), os.Args[1:])
	stop()
	os.Exit(code)
}
