package otrf

import (
	"archive/zip"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"
)

// Store finds dataset files: first in local folders (offline copies), then in its cache
// folder, and downloads missing ones into the cache.
type Store struct {
	// Dir is the cache folder for downloads.
	Dir string
	// Local folders (and their subfolders) are searched first, by table name and by the
	// file's own name.
	Local []string
	// RawURL replaces DefaultRawURL in file links (a mirror, or a test server); "" keeps them.
	RawURL string
	// Client makes the downloads; nil means a client with a 5-minute timeout.
	Client *http.Client
}

// Fetch returns a local path for f, downloading it when no copy exists.
func (s *Store) Fetch(ctx context.Context, f File) (string, error) {
	ext := path.Ext(f.Link)
	names := []string{f.Table() + ext, path.Base(f.Link)}
	for _, dir := range s.Local {
		for _, n := range names {
			p := filepath.Join(dir, n)
			if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
				return p, nil
			}
		}
	}
	if len(s.Local) > 0 { // subfolders of the offline folders (zips/, a project checkout)
		idx := localFiles(s.Local)
		for _, n := range names {
			if p, ok := idx[strings.ToLower(n)]; ok {
				return p, nil
			}
		}
	}
	if st, err := os.Stat(f.Link); err == nil && st.Mode().IsRegular() {
		return f.Link, nil // a file of the offline catalogue (filesCatalog)
	}
	if s.Dir == "" {
		return "", fmt.Errorf("OTRF file %s: not in the local folders and no cache folder is set", f.Table())
	}
	cached := filepath.Join(s.Dir, names[0])
	if _, err := os.Stat(cached); err == nil {
		return cached, nil
	}
	if err := os.MkdirAll(s.Dir, 0o755); err != nil {
		return "", err
	}
	url := f.Link
	if s.RawURL != "" && strings.HasPrefix(url, DefaultRawURL) {
		url = strings.TrimSuffix(s.RawURL, "/") + "/" + strings.TrimPrefix(url, DefaultRawURL)
	}
	if err := s.download(ctx, url, cached); err != nil {
		return "", fmt.Errorf("OTRF file %s: %w", f.Table(), err)
	}
	return cached, nil
}

func (s *Store) download(ctx context.Context, url, dst string) error {
	client := s.Client
	if client == nil {
		client = &http.Client{Timeout: 5 * time.Minute}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("download: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("download %s: %s", url, resp.Status)
	}
	tmp, err := os.CreateTemp(filepath.Dir(dst), "."+filepath.Base(dst)+".part-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	n, err := io.Copy(tmp, io.LimitReader(resp.Body, 2<<30))
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("download %s: %w", url, err)
	}
	if resp.ContentLength > 0 && n != resp.ContentLength {
		return fmt.Errorf("download %s: truncated (%d of %d bytes)", url, n, resp.ContentLength)
	}
	if strings.EqualFold(filepath.Ext(dst), ".zip") {
		zr, err := zip.OpenReader(tmp.Name())
		if err != nil {
			return fmt.Errorf("download %s: not a valid zip archive: %w", url, err)
		}
		zr.Close()
	}
	return os.Rename(tmp.Name(), dst)
}
