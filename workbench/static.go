package workbench

import (
	"bytes"
	"embed"
	"net/http"
	"path"
	"strings"
)

// static holds the front end: index.html, app.js, app.css and editor.js (CodeMirror 6,
// built by scripts/build-workbench.sh from pinned npm packages and committed).
//
//go:embed static/index.html static/app.js static/app.css static/editor.js static/editor.LICENSE
var static embed.FS

var staticTypes = map[string]string{".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
	".LICENSE": "text/plain; charset=utf-8"}

// handleIndex serves the page with this server's CSRF token in a meta tag.
func (s *Server) handleIndex(w http.ResponseWriter, _ *http.Request) {
	b, err := static.ReadFile("static/index.html")
	if err != nil {
		http.Error(w, "workbench: missing page", http.StatusInternalServerError)
		return
	}
	b = bytes.Replace(b, []byte("{{CSRF}}"), []byte(s.csrf), 1)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write(b)
}

func (s *Server) handleStatic(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	if name == "index.html" || strings.Contains(name, "..") {
		http.NotFound(w, r)
		return
	}
	b, err := static.ReadFile("static/" + name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", staticTypes[path.Ext(name)])
	w.Header().Set("Cache-Control", "no-cache")
	_, _ = w.Write(b)
}
