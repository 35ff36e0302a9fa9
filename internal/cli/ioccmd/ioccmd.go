// Package ioccmd holds the ioc command group (extract, refang, defang) and the decode command.
package ioccmd

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"unicode/utf16"
	"unsafe"

	"github.com/spf13/cobra"

	"github.com/huntkit/huntkit"
	"github.com/huntkit/huntkit/decode"
	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/internal/cliapp"
	"github.com/huntkit/huntkit/ioc"
)

// New returns the ioc and decode commands.
func New(app *cliapp.App) []*cobra.Command {
	root := &cobra.Command{
		Use:   "ioc",
		Short: "Extract, refang and defang indicators of compromise",
		Long: `Find indicators of compromise in text or in a table column: IPv4/IPv6 addresses,
domains (validated against the Public Suffix List), URLs, e-mail addresses, MD5/SHA1/SHA256
hashes and Windows/Linux paths. Defanged forms (hxxp, [.], (dot), [@], ...) are found and
reported refanged.`,
		Args: cobra.NoArgs, // an unknown subcommand is a usage error, not help with exit 0
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	root.AddCommand(newExtract(app), newRefang(app), newDefang(app))
	return []*cobra.Command{root, newDecode(app)}
}

// readInput returns the text of FILE, of stdin for "-" or no argument, or of the arguments.
func readInput(app *cliapp.App, args []string, argsAreText bool) (string, string, error) {
	if len(args) == 0 || (len(args) == 1 && args[0] == "-") {
		b, err := io.ReadAll(app.In)
		if err != nil {
			return "", "", fmt.Errorf("read stdin: %w", err)
		}
		return textOf(b), "stdin", nil
	}
	if argsAreText {
		return strings.Join(args, " "), "", nil
	}
	if len(args) > 1 {
		return "", "", cliapp.UsageError(fmt.Errorf("give one FILE or - (got %d arguments)", len(args)))
	}
	b, err := os.ReadFile(args[0])
	if err != nil {
		return "", "", fmt.Errorf("read %s: %w", args[0], err)
	}
	return textOf(b), args[0], nil
}

// textOf returns input bytes as UTF-8 text. A byte-order mark selects the encoding: UTF-16
// (what Windows PowerShell 5's Out-File and ">" write, and many exported Windows logs) is
// converted, a UTF-8 BOM dropped; without one the bytes are taken as UTF-8.
func textOf(b []byte) string {
	var order binary.ByteOrder
	switch {
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		return bytesText(b[3:])
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		order = binary.LittleEndian
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		order = binary.BigEndian
	default:
		return bytesText(b)
	}
	u := make([]uint16, 0, (len(b)-2)/2)
	for i := 2; i+1 < len(b); i += 2 {
		u = append(u, order.Uint16(b[i:]))
	}
	return string(utf16.Decode(u))
}

// bytesText views b as a string without copying it (tens of megabytes for a large input);
// the callers own b and never change it afterwards.
func bytesText(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

type extractOpts struct {
	types      []string
	in, column string
	all        bool
	noPrivate  bool
	ignoreTLDs []string
	deny       []string
	denyFile   string
	allow      []string
	noHosts    bool
	out        cliapp.Output
}

func (o *extractOpts) options() ([]ioc.Option, error) {
	var opts []ioc.Option
	if len(o.types) > 0 {
		ts, err := ioc.ParseTypes(o.types...)
		if err != nil {
			return nil, cliapp.UsageError(fmt.Errorf("--types: %w", err))
		}
		opts = append(opts, ioc.WithTypes(ts...))
	}
	if o.noPrivate {
		opts = append(opts, ioc.WithPrivateIPs(false))
	}
	if len(o.ignoreTLDs) > 0 {
		opts = append(opts, ioc.WithIgnoreTLDs(o.ignoreTLDs...))
	}
	deny := o.deny
	if o.denyFile != "" {
		b, err := os.ReadFile(o.denyFile)
		if err != nil {
			return nil, fmt.Errorf("read --deny-file: %w", err)
		}
		for _, l := range strings.Split(string(b), "\n") {
			if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
				deny = append(deny, l)
			}
		}
	}
	if len(deny) > 0 {
		opts = append(opts, ioc.WithDeny(deny...))
	}
	if len(o.allow) > 0 {
		opts = append(opts, ioc.WithAllowSuffixes(o.allow...))
	}
	if o.noHosts {
		opts = append(opts, ioc.WithURLHosts(false))
	}
	return opts, nil
}

func newExtract(app *cliapp.App) *cobra.Command {
	var o extractOpts
	cmd := &cobra.Command{
		Use:   "extract [FILE|-] [--in TABLE --column C]",
		Short: "Extract indicators from a text file, stdin or a table column",
		Long: `Extract indicators from a text file (or stdin), one row per distinct indicator with its
first position (line, byte offsets) and, for IP addresses, its scope (public, private,
loopback, ...; non-public addresses are kept unless --no-private). --all lists every
occurrence. With --in TABLE --column C the indicators of each row of the column are listed
with the row's index, as msticpy's extract_df: IoCType, Observable, SourceIndex, Input, Scope.

Types: ipv4, ipv6, dns (domain), url, email, md5 (md5_hash), sha1 (sha1_hash), sha256
(sha256_hash), windows_path, linux_path.`,
		Example: `  huntkit ioc extract report.txt
  cat alert.json | huntkit ioc extract - --types url,dns,ipv4 -o csv
  huntkit ioc extract --in events.csv --column CommandLine -o json
  huntkit ioc extract mail.txt --deny microsoft.com --ignore-tld zip`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runExtract(cmd.Context(), app, &o, args)
		},
	}
	f := cmd.Flags()
	f.StringSliceVarP(&o.types, "types", "t", nil, "indicator types to report (comma-separated; default all)")
	f.StringVar(&o.in, "in", "", "table file (CSV, TSV, JSON lines, Parquet) to read --column from")
	f.StringVar(&o.column, "column", "", "text column of --in")
	f.BoolVar(&o.all, "all", false, "list every occurrence with its position, not one row per indicator")
	f.BoolVar(&o.noPrivate, "no-private", false, "drop private, loopback, link-local and other non-public IP addresses")
	f.StringSliceVar(&o.ignoreTLDs, "ignore-tld", nil, "top-level domains whose names are not reported (e.g. zip,mov)")
	f.StringSliceVar(&o.deny, "deny", nil, "observables never reported (a domain also drops its subdomains, URLs and e-mails)")
	f.StringVar(&o.denyFile, "deny-file", "", "file with one observable to never report per line")
	f.StringSliceVar(&o.allow, "allow-suffix", nil, "non-public domain suffixes to accept as domains (e.g. corp,internal)")
	f.BoolVar(&o.noHosts, "no-url-hosts", false, "do not report the hosts of URLs and UNC paths as separate indicators")
	cliapp.AddOutputFlags(cmd, &o.out)
	return cmd
}

func runExtract(ctx context.Context, app *cliapp.App, o *extractOpts, args []string) error {
	if err := o.out.Validate(); err != nil {
		return err
	}
	opts, err := o.options()
	if err != nil {
		return err
	}
	if (o.in == "") != (o.column == "") {
		return cliapp.UsageError(errors.New("--in and --column go together"))
	}
	if o.in != "" {
		if len(args) > 0 {
			return cliapp.UsageError(errors.New("give either FILE or --in TABLE --column C, not both"))
		}
		t, err := app.ReadTable(ctx, o.in)
		if err != nil {
			return err
		}
		out, err := ioc.ExtractFrame(t, o.column, opts...)
		if err != nil {
			return cliapp.UsageError(fmt.Errorf("%s: %w", o.in, err))
		}
		return app.WriteFrame(&o.out, out)
	}
	text, _, err := readInput(app, args, false)
	if err != nil {
		return err
	}
	var ms []ioc.Match
	if o.all {
		ms = ioc.Extract(text, opts...)
	} else {
		ms = ioc.ExtractUnique(text, opts...)
	}
	return app.WriteFrame(&o.out, matchFrame(text, ms))
}

// matchFrame is ioc.Frame plus the 1-based line of each match.
func matchFrame(text string, ms []ioc.Match) *frame.Frame {
	f := ioc.Frame(ms)
	// line numbers: matches are in order of position, so one forward walk suffices
	lines := make([]int64, len(ms))
	starts := make([]int, len(ms))
	order := make([]int, len(ms))
	for i, m := range ms {
		starts[i] = m.Start
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return starts[order[a]] < starts[order[b]] })
	line, pos := int64(1), 0
	for _, i := range order {
		line += int64(strings.Count(text[pos:starts[i]], "\n"))
		pos = starts[i]
		lines[i] = line
	}
	_ = f.AddColumn(frame.NewInts("Line", lines))
	sel, err := f.Select(ioc.ColIoCType, ioc.ColObservable, ioc.ColScope, "Line", "Start", "End", "Raw")
	if err != nil {
		return f
	}
	return sel
}

func newRefang(app *cliapp.App) *cobra.Command {
	return &cobra.Command{
		Use:   "refang [TEXT...|-]",
		Short: "Turn defanged indicators (hxxp, [.], (dot), [@]) back into usable form",
		Example: `  huntkit ioc refang 'hxxps://evil[.]com/a'
  huntkit ioc refang - < report.txt`,
		RunE: func(cmd *cobra.Command, args []string) error {
			text, _, err := readInput(app, args, true)
			if err != nil {
				return err
			}
			out := ioc.Refang(text)
			if !strings.HasSuffix(out, "\n") {
				out += "\n"
			}
			_, err = io.WriteString(app.Out, out)
			return err
		},
	}
}

func newDefang(app *cliapp.App) *cobra.Command {
	var typ string
	cmd := &cobra.Command{
		Use:   "defang [TEXT...|-]",
		Short: "Rewrite URLs, domains, IPs and e-mail addresses in their safe (defanged) form",
		Long: `Rewrite every URL, domain, IP address and e-mail address of the text in its safe form for
sharing (hxxps://evil[.]com/a, 10[.]1[.]2[.]3, bob[@]evil[.]com). With --type the whole input
is one value of that type.`,
		Example: `  huntkit ioc defang 'see https://evil.com/a and 1.2.3.4'
  huntkit ioc defang --type url https://evil.com/a`,
		RunE: func(cmd *cobra.Command, args []string) error {
			text, _, err := readInput(app, args, true)
			if err != nil {
				return err
			}
			var out string
			if typ != "" {
				t, err := ioc.ParseType(typ)
				if err != nil {
					return cliapp.UsageError(fmt.Errorf("--type: %w", err))
				}
				out = ioc.Defang(strings.TrimSpace(text), t)
			} else {
				out = ioc.DefangText(text)
			}
			if !strings.HasSuffix(out, "\n") {
				out += "\n"
			}
			_, err = io.WriteString(app.Out, out)
			return err
		},
	}
	cmd.Flags().StringVar(&typ, "type", "", "treat the input as one value of this type")
	return cmd
}

type decodeOpts struct {
	in, column string
	text       bool
	maxDepth   int
	maxRatio   int
	maxSize    int
	noHex      bool
	out        cliapp.Output
}

func newDecode(app *cliapp.App) *cobra.Command {
	var o decodeOpts
	cmd := &cobra.Command{
		Use:   "decode [FILE|-] [--in TABLE --column C]",
		Short: "Find and unpack base64, hex, gzip, zlib, zip and tar payloads recursively",
		Long: `Find encoded payloads in text and unpack them recursively: base64 (UTF-16LE PowerShell
-EncodedCommand payloads recognised by content), hex, gzip, zlib, zip and tar. Each decoded
item is listed with its reference in the decoding tree, the encoding chain, file type (by
magic bytes), charset, size, MD5/SHA1/SHA256 and the decoded text. --text prints the input
with each payload replaced by a <decoded ...> marker holding what it decoded to.

Limits: depth, total size, and compression ratio (a zip bomb is refused with a message on
stderr and exit code 1; the items decoded so far are still printed).`,
		Example: `  huntkit decode suspicious_cmd.txt
  echo 'powershell -enc SQBFAFgA...' | huntkit decode - --text
  huntkit decode --in proc_events.csv --column CommandLine -o csv --out decoded.csv`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runDecode(cmd.Context(), app, &o, args)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.in, "in", "", "table file (CSV, TSV, JSON lines, Parquet) to read --column from")
	f.StringVar(&o.column, "column", "", "text column of --in")
	f.BoolVar(&o.text, "text", false, "print the decoded text with markers instead of the table of items")
	f.IntVar(&o.maxDepth, "max-depth", 10, "deepest nesting unpacked")
	f.IntVar(&o.maxRatio, "max-ratio", 200, "largest decompressed/compressed ratio accepted (outputs under 1 MiB always are)")
	f.IntVar(&o.maxSize, "max-size-mb", 64, "most MiB decoded from one input")
	f.BoolVar(&o.noHex, "no-hex", false, "do not decode hex runs")
	cliapp.AddOutputFlags(cmd, &o.out)
	return cmd
}

func runDecode(ctx context.Context, app *cliapp.App, o *decodeOpts, args []string) error {
	if err := o.out.Validate(); err != nil {
		return err
	}
	if o.maxDepth < 1 || o.maxRatio < 1 || o.maxSize < 1 {
		return cliapp.UsageError(errors.New("--max-depth, --max-ratio and --max-size-mb must be at least 1"))
	}
	opts := []decode.Option{
		decode.WithMaxDepth(o.maxDepth), decode.WithMaxRatio(o.maxRatio),
		// one item may use a quarter of the total, at least 16 MiB (and never more than the total)
		decode.WithMaxSize(o.maxSize<<20, min(o.maxSize<<20, max(16<<20, o.maxSize<<20/4))),
		decode.WithHex(!o.noHex),
	}
	if (o.in == "") != (o.column == "") {
		return cliapp.UsageError(errors.New("--in and --column go together"))
	}
	if o.in != "" {
		if len(args) > 0 {
			return cliapp.UsageError(errors.New("give either FILE or --in TABLE --column C, not both"))
		}
		t, err := app.ReadTable(ctx, o.in)
		if err != nil {
			return err
		}
		hk, err := app.Huntkit(ctx)
		if err != nil {
			return err
		}
		out, err := hk.EnrichColumn(ctx, huntkit.EnrichDecode, t, o.column, huntkit.EnrichOptions{Decode: opts})
		if err != nil {
			return cliapp.UsageError(fmt.Errorf("%s: %w", o.in, err))
		}
		if errs := out.Col(decode.ColError); errs != nil && out.Partial() != nil {
			for i, n := 0, 0; i < errs.Len() && n < 5; i++ {
				if errs.Str(i) != "" {
					n++
					app.Warnf("row %d: %s", out.Col(decode.ColSrcIndex).Int(i), errs.Str(i))
				}
			}
		}
		if o.text {
			return writeDecodedRows(app.Out, out)
		}
		return app.WriteFrame(&o.out, out)
	}
	text, name, err := readInput(app, args, false)
	if err != nil {
		return err
	}
	// a file of many command lines holds many payloads: allow one item per 64 bytes of input
	opts = append(opts, decode.WithMaxItems(max(1000, len(text)/64)))
	res, derr := decode.Decode(text, opts...)
	for _, e := range res.Errors {
		app.Warnf("%s: %v", name, e)
	}
	if o.text {
		out := res.Text
		if !strings.HasSuffix(out, "\n") {
			out += "\n"
		}
		if _, err := io.WriteString(app.Out, out); err != nil {
			return err
		}
		if derr != nil {
			return fmt.Errorf("%s: %s", name, decode.Summary(res.Errors, "payloads"))
		}
		return nil
	}
	f := res.Frame()
	if derr != nil {
		f.SetPartial(errors.New(decode.Summary(res.Errors, "payloads")))
	}
	return app.WriteFrame(&o.out, f)
}

// writeDecodedRows prints, for --text over a column, each source row that held a payload
// once: its row number and its text with the decoded parts in markers.
func writeDecodedRows(w io.Writer, f *frame.Frame) error {
	src, full := f.Col(decode.ColSrcIndex), f.Col(decode.ColFullDecoded)
	if src == nil || full == nil {
		return nil
	}
	seen := map[int64]bool{}
	for i := 0; i < f.Len(); i++ {
		r := src.Int(i)
		if seen[r] {
			continue
		}
		seen[r] = true
		if _, err := fmt.Fprintf(w, "row %d: %s\n", r, strings.TrimRight(full.Str(i), "\n")); err != nil {
			return err
		}
	}
	return f.Partial()
}
