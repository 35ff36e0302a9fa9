package geoip

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/oschwald/maxminddb-golang/v2"
)

// DefaultDownloadURL is MaxMind's documented download endpoint; the edition ID and
// "/download?suffix=tar.gz" (or "tar.gz.sha256") are appended, with HTTP basic auth
// account-id:licence-key.
const DefaultDownloadURL = "https://download.maxmind.com/geoip/databases"

// DefaultMaxAge is how old a database file may get before Update replaces it.
const DefaultMaxAge = 30 * 24 * time.Hour

// DefaultEditions are the databases Update fetches by default.
var DefaultEditions = []string{"GeoLite2-City", "GeoLite2-ASN"}

// maxDownload bounds the size of an archive and of the database inside it.
const maxDownload = 1 << 30

// Updater downloads MaxMind databases into Dir when they are missing or older than MaxAge.
// Each archive is checked against the SHA-256 MaxMind publishes beside it, the .mmdb inside
// is extracted to a temporary file, opened and verified, and only then renamed over the old
// file, so readers never see half a database and a failed update leaves the old one in place.
type Updater struct {
	Dir        string        // destination folder (created 0700 if missing)
	Editions   []string      // edition IDs; DefaultEditions when empty
	BaseURL    string        // DefaultDownloadURL when empty
	AccountID  string        // MaxMind account ID (basic-auth user)
	LicenseKey string        // MaxMind licence key (basic-auth password); never printed
	MaxAge     time.Duration // DefaultMaxAge when zero
	Client     *http.Client  // a client with a 10-minute timeout when nil
	Now        func() time.Time
}

// UpdateResult says what Update did for one edition.
type UpdateResult struct {
	Edition string
	Path    string
	Action  string // "downloaded", "fresh" (not due), or "failed"
	Age     time.Duration
	SHA256  string
	Err     error
}

// DownloadError reports a failed HTTP request to the download endpoint. It matches ErrAuth
// for 401/403, ErrRateLimited for 429 and ErrService otherwise.
type DownloadError struct {
	Edition string
	Status  int
	Msg     string
}

func (e *DownloadError) Error() string {
	msg := fmt.Sprintf("download %s: HTTP %d", e.Edition, e.Status)
	if e.Status == http.StatusUnauthorized || e.Status == http.StatusForbidden {
		msg += " (check OtherProviders.GeoIPLite.Args.AccountID and AuthKey)"
	}
	if e.Msg != "" {
		msg += ": " + e.Msg
	}
	return msg
}

// Is maps the status to the package's sentinel errors.
func (e *DownloadError) Is(target error) bool {
	switch e.Status {
	case http.StatusUnauthorized, http.StatusForbidden:
		return target == ErrAuth
	case http.StatusTooManyRequests:
		return target == ErrRateLimited
	}
	return target == ErrService
}

func (u *Updater) now() time.Time {
	if u.Now != nil {
		return u.Now()
	}
	return time.Now()
}

func (u *Updater) editions() []string {
	if len(u.Editions) > 0 {
		return u.Editions
	}
	return DefaultEditions
}

// Path returns the file an edition is stored in.
func (u *Updater) Path(edition string) string { return filepath.Join(u.Dir, edition+".mmdb") }

// Due reports the editions that are missing or older than MaxAge.
func (u *Updater) Due() []string {
	maxAge := u.MaxAge
	if maxAge <= 0 {
		maxAge = DefaultMaxAge
	}
	var due []string
	for _, ed := range u.editions() {
		st, err := os.Stat(u.Path(ed))
		if err != nil || u.now().Sub(st.ModTime()) > maxAge {
			due = append(due, ed)
		}
	}
	return due
}

// Update downloads the editions that are due (all of them when force is set). It returns one
// result per edition and an error joining the failures; the editions that succeeded are in
// place either way.
func (u *Updater) Update(ctx context.Context, force bool) ([]UpdateResult, error) {
	if u.Dir == "" {
		return nil, errors.New("geoip update: no database folder (set OtherProviders.GeoIPLite.Args.DBFolder)")
	}
	if u.LicenseKey == "" {
		return nil, fmt.Errorf("geoip update: %w: no licence key (set OtherProviders.GeoIPLite.Args.AuthKey)", ErrAuth)
	}
	if err := os.MkdirAll(u.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("geoip update: %w", err)
	}
	unlock, err := u.lock(ctx)
	if err != nil {
		return nil, err
	}
	defer unlock()
	due := map[string]bool{}
	for _, ed := range u.Due() {
		due[ed] = true
	}
	var results []UpdateResult
	var errs []error
	for _, ed := range u.editions() {
		res := UpdateResult{Edition: ed, Path: u.Path(ed)}
		if st, err := os.Stat(res.Path); err == nil {
			res.Age = u.now().Sub(st.ModTime())
		}
		if !force && !due[ed] {
			res.Action = "fresh"
			results = append(results, res)
			continue
		}
		sum, err := u.fetch(ctx, ed)
		res.SHA256 = sum
		if err != nil {
			res.Action, res.Err = "failed", err
			errs = append(errs, err)
		} else {
			res.Action, res.Age = "downloaded", 0
		}
		results = append(results, res)
		if ctx.Err() != nil {
			break
		}
	}
	return results, joinLine(errs)
}

// joinLine joins errors like errors.Join (errors.Is and As see each) but on one line,
// separated by "; ", so a failed update of two editions is still a one-line message.
func joinLine(errs []error) error {
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	}
	format := strings.TrimSuffix(strings.Repeat("%w; ", len(errs)), "; ")
	args := make([]any, len(errs))
	for i, e := range errs {
		args[i] = e
	}
	return fmt.Errorf(format, args...)
}

// lockStale is when a lock file left by a crashed process is ignored.
const lockStale = 15 * time.Minute

// lock takes the folder's update lock (a file created exclusively), so that two huntkit
// processes do not download the same databases at once. It waits while another process
// holds it; the waiter then finds the databases fresh and skips them.
func (u *Updater) lock(ctx context.Context) (func(), error) {
	p := filepath.Join(u.Dir, ".huntkit-update.lock")
	for {
		f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err == nil {
			fmt.Fprintf(f, "%d %s\n", os.Getpid(), time.Now().UTC().Format(time.RFC3339))
			f.Close()
			return func() { os.Remove(p) }, nil
		}
		if !errors.Is(err, os.ErrExist) {
			return nil, fmt.Errorf("geoip update: lock %s: %w", p, err)
		}
		if st, serr := os.Stat(p); serr == nil && time.Since(st.ModTime()) > lockStale {
			os.Remove(p)
			continue
		}
		t := time.NewTimer(200 * time.Millisecond)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("geoip update: waiting for another update (%s): %w", p, ctx.Err())
		case <-t.C:
		}
	}
}

func (u *Updater) client() *http.Client {
	if u.Client != nil {
		return u.Client
	}
	return &http.Client{Timeout: 10 * time.Minute}
}

func (u *Updater) url(edition, suffix string) string {
	base := u.BaseURL
	if base == "" {
		base = DefaultDownloadURL
	}
	return strings.TrimRight(base, "/") + "/" + url.PathEscape(edition) + "/download?suffix=" + url.QueryEscape(suffix)
}

// get performs an authenticated GET and returns the body of a 200 response.
func (u *Updater) get(ctx context.Context, edition, suffix string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.url(edition, suffix), nil)
	if err != nil {
		return nil, fmt.Errorf("download %s: %w", edition, err)
	}
	req.SetBasicAuth(u.AccountID, u.LicenseKey)
	req.Header.Set("User-Agent", "huntkit-geoip")
	resp, err := u.client().Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL carries no secret, but keep messages short
		}
		return nil, fmt.Errorf("download %s (%s): %w", edition, suffix, err)
	}
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		resp.Body.Close()
		return nil, &DownloadError{Edition: edition, Status: resp.StatusCode, Msg: oneLine(string(body))}
	}
	return resp, nil
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return s
}

// fetch downloads, verifies and installs one edition, returning the archive's SHA-256.
func (u *Updater) fetch(ctx context.Context, edition string) (string, error) {
	want, err := u.publishedSum(ctx, edition)
	if err != nil {
		return "", err
	}
	resp, err := u.get(ctx, edition, "tar.gz")
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	archive, err := os.CreateTemp(u.Dir, ".download-"+edition+"-*.tar.gz")
	if err != nil {
		return "", fmt.Errorf("download %s: %w", edition, err)
	}
	defer os.Remove(archive.Name())
	defer archive.Close()
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(archive, h), io.LimitReader(resp.Body, maxDownload+1))
	if err != nil {
		return "", fmt.Errorf("download %s: %w", edition, err)
	}
	if n > maxDownload {
		return "", fmt.Errorf("download %s: archive larger than %d bytes", edition, maxDownload)
	}
	got := hex.EncodeToString(h.Sum(nil))
	if got != want {
		return got, fmt.Errorf("download %s: %w: archive sha256 %s, published %s", edition, ErrChecksum, got, want)
	}
	if _, err := archive.Seek(0, io.SeekStart); err != nil {
		return got, err
	}
	if err := u.install(edition, archive); err != nil {
		return got, err
	}
	return got, nil
}

// publishedSum fetches the .sha256 file ("<hex>  <file name>").
func (u *Updater) publishedSum(ctx context.Context, edition string) (string, error) {
	resp, err := u.get(ctx, edition, "tar.gz.sha256")
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if err != nil {
		return "", fmt.Errorf("download %s checksum: %w", edition, err)
	}
	fields := strings.Fields(string(b))
	if len(fields) == 0 || len(fields[0]) != 64 {
		return "", fmt.Errorf("download %s checksum: %w: malformed sha256 file %q", edition, ErrService, oneLine(string(b)))
	}
	sum := strings.ToLower(fields[0])
	if _, err := hex.DecodeString(sum); err != nil {
		return "", fmt.Errorf("download %s checksum: %w: malformed sha256 file", edition, ErrService)
	}
	return sum, nil
}

// install extracts <edition>.mmdb from the archive, verifies it and renames it into place.
func (u *Updater) install(edition string, archive io.Reader) error {
	gz, err := gzip.NewReader(archive)
	if err != nil {
		return fmt.Errorf("extract %s: %w", edition, err)
	}
	defer gz.Close()
	tr := tar.NewReader(gz)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return fmt.Errorf("extract %s: no %s.mmdb in the archive", edition, edition)
		}
		if err != nil {
			return fmt.Errorf("extract %s: %w", edition, err)
		}
		if hdr.Typeflag != tar.TypeReg || path.Base(hdr.Name) != edition+".mmdb" {
			continue
		}
		if hdr.Size > maxDownload {
			return fmt.Errorf("extract %s: %s is %d bytes, over the limit", edition, hdr.Name, hdr.Size)
		}
		return u.installFile(edition, tr)
	}
}

func (u *Updater) installFile(edition string, r io.Reader) error {
	tmp, err := os.CreateTemp(u.Dir, ".extract-"+edition+"-*.mmdb")
	if err != nil {
		return fmt.Errorf("extract %s: %w", edition, err)
	}
	name := tmp.Name()
	ok := false
	defer func() {
		if !ok {
			tmp.Close()
			os.Remove(name)
		}
	}()
	if _, err := io.Copy(tmp, io.LimitReader(r, maxDownload)); err != nil {
		return fmt.Errorf("extract %s: %w", edition, err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("extract %s: %w", edition, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("extract %s: %w", edition, err)
	}
	if err := verifyDB(name, edition); err != nil {
		return err
	}
	if err := os.Chmod(name, 0o644); err != nil {
		return err
	}
	if err := os.Rename(name, u.Path(edition)); err != nil {
		return fmt.Errorf("install %s: %w", edition, err)
	}
	ok = true
	return nil
}

// verifyDB opens a downloaded database, checks its structure and that it is the edition asked for.
func verifyDB(file, edition string) error {
	r, err := maxminddb.Open(file)
	if err != nil {
		return fmt.Errorf("verify %s: %w", edition, err)
	}
	defer r.Close()
	if err := r.Verify(); err != nil {
		return fmt.Errorf("verify %s: %w", edition, err)
	}
	if !strings.EqualFold(r.Metadata.DatabaseType, edition) {
		return fmt.Errorf("verify %s: archive holds a %q database", edition, r.Metadata.DatabaseType)
	}
	return nil
}
