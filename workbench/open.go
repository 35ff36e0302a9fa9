package workbench

import (
	"errors"
	"os"
	"os/exec"
	"runtime"
)

// OpenBrowser opens url with $BROWSER, or the desktop's opener (xdg-open, open, rundll32).
func OpenBrowser(url string) error {
	var cmd *exec.Cmd
	if b := os.Getenv("BROWSER"); b != "" {
		cmd = exec.Command(b, url)
	} else {
		switch runtime.GOOS {
		case "darwin":
			cmd = exec.Command("open", url)
		case "windows":
			cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", url)
		default:
			bin, err := exec.LookPath("xdg-open")
			if err != nil {
				return errors.New("no $BROWSER and no xdg-open: open the address yourself")
			}
			cmd = exec.Command(bin, url)
		}
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	go cmd.Wait() //nolint:errcheck // the browser outlives the call; reap it if it exits
	return nil
}
