// Package authcmd implements "huntkit auth status": it tries the configured Azure sign-in
// methods in order (package azauth) and reports each one's one-line outcome and the tenant
// and account that worked, never a token.
package authcmd

import (
	"context"
	"fmt"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/spf13/cobra"

	"github.com/huntkit/huntkit/azauth"
	"github.com/huntkit/huntkit/internal/cliapp"
)

// Options are the flags of auth status.
type Options struct {
	Auth      string
	Workspace string
	Resource  string
}

// New returns the auth command group.
func New(app *cliapp.App) *cobra.Command {
	cmd := &cobra.Command{Use: "auth", Short: "Azure sign-in: which methods work here"}
	o := &Options{}
	status := &cobra.Command{
		Use:   "status",
		Short: "Try the Azure sign-in methods in order and report what each gave",
		Long: `status tries the Azure sign-in methods in the configured order (Azure.auth_methods, or
--auth) until one gives a token for the Log Analytics API (or --resource), and prints each
method tried with its one-line outcome, then the tenant and account that worked. Tokens are
never printed. Methods: env, cli, msi, devicecode, vscode, powershell, clientsecret,
certificate, interactive (devicecode and interactive only at a terminal).`,
		Example: `  huntkit auth status --auth clientsecret`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return Status(cmd.Context(), app, o)
		},
	}
	f := status.Flags()
	f.StringVar(&o.Auth, "auth", "", "methods to try, comma-separated (default: Azure.auth_methods)")
	f.StringVar(&o.Workspace, "workspace-name", "", "the Sentinel workspace whose tenant and Args to use (default: Default)")
	f.StringVar(&o.Resource, "resource", "", "the resource to get a token for (default: the cloud's Log Analytics endpoint)")
	cmd.AddCommand(status)
	return cmd
}

// Status runs auth status.
func Status(ctx context.Context, app *cliapp.App, o *Options) error {
	if ctx == nil {
		ctx = context.Background()
	}
	cfg, err := app.Config()
	if err != nil {
		return err
	}
	var methods []string
	if o.Auth != "" {
		methods = []string{o.Auth}
	}
	s, err := azauth.FromConfig(cfg, o.Workspace, methods)
	if err != nil {
		return cliapp.UsageError(err)
	}
	s.Interactive = cliapp.IsTerminal(app.Err) && cliapp.IsTerminal(app.Out)
	s.Cache = nil // status tries the methods themselves, never a cached token
	s.Prompt = app.Err
	if s.TenantID == "" {
		if ws, err := cfg.Workspace(o.Workspace); err == nil {
			s.TenantID = ws.TenantID
		}
	}
	cred, err := azauth.New(s)
	if err != nil {
		return cliapp.UsageError(err)
	}
	resource := o.Resource
	if resource == "" {
		resource = s.Cloud.LogAnalytics
	}
	_, tokErr := cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{strings.TrimSuffix(resource, "/") + "/.default"}})
	fmt.Fprintf(app.Out, "cloud %s, authority %s, tenant %s\n", s.Cloud.Name, s.Cloud.AuthorityHost, orNone(s.TenantID))
	for _, a := range cred.Attempts() {
		mark := "failed"
		switch {
		case a.OK:
			mark = "ok"
		case a.Skipped:
			mark = "skipped"
		}
		fmt.Fprintf(app.Out, "  %-12s %-7s %s\n", a.Method, mark, a.Outcome)
		if a.OK {
			fmt.Fprintf(app.Out, "signed in with %s: tenant %s, account %s\n", a.Method, orNone(a.Tenant), orNone(a.Account))
		}
	}
	if tokErr != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("no method worked (tried %s)", strings.Join(s.Methods, ", "))
	}
	return nil
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
