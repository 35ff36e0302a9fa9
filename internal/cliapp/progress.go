package cliapp

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// Progress draws a one-line progress counter on stderr when stderr is a terminal; otherwise
// it does nothing. It is safe for concurrent use.
type Progress struct {
	w      io.Writer
	label  string
	total  int
	mu     sync.Mutex
	n      int
	last   time.Time
	start  time.Time
	active bool
}

// Progress returns a progress counter for total items (0 when unknown).
func (a *App) Progress(label string, total int) *Progress {
	return &Progress{w: a.Err, label: label, total: total, active: !a.Quiet && IsTerminal(a.Err), start: time.Now()}
}

// Add records n more items done.
func (p *Progress) Add(n int) {
	if p == nil || !p.active {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.n += n
	if time.Since(p.last) < 100*time.Millisecond && p.n != p.total {
		return
	}
	p.last = time.Now()
	p.draw()
}

func (p *Progress) draw() {
	if p.total > 0 {
		const width = 24
		done := p.n * width / p.total
		bar := make([]byte, width)
		for i := range bar {
			if i < done {
				bar[i] = '#'
			} else {
				bar[i] = '.'
			}
		}
		fmt.Fprintf(p.w, "\r%s [%s] %d/%d %3d%%", p.label, bar, p.n, p.total, p.n*100/p.total)
	} else {
		fmt.Fprintf(p.w, "\r%s %d", p.label, p.n)
	}
}

// Done clears the progress line.
func (p *Progress) Done() {
	if p == nil || !p.active {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.w, "\r\033[K")
}
