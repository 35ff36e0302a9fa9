// Package otrfcmd holds `huntkit otrf`: browse the OTRF Security-Datasets catalogue and load
// datasets into the workspace.
package otrfcmd

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/huntkit/huntkit"
	"github.com/huntkit/huntkit/internal/cliapp"
)

// New returns the otrf command group.
func New(app *cliapp.App) *cobra.Command {
	var data []string
	cmd := &cobra.Command{
		Use:     "otrf",
		Aliases: []string{"mordor"},
		Short:   "Browse and load OTRF Security-Datasets (recorded attacks) as workspace tables",
		Long: `OTRF Security-Datasets (formerly Mordor) are recordings of real attack techniques.
'otrf list' searches the catalogue (id, title, ATT&CK technique, table); 'otrf get' downloads
a dataset once into the cache and imports it as a table; query it with
'huntkit query OTRF --kql "<table> | ..."'. Configure DataProviders.OTRF (or Mordor) to work
offline: see provider/otrf/README.md.`,
	}
	cmd.PersistentFlags().StringArrayVar(&data, "data", nil, "folder that already holds dataset files (offline); repeatable")

	session := func(cmd *cobra.Command) (*huntkit.Session, error) {
		hk, err := app.Huntkit(cmd.Context())
		if err != nil {
			return nil, err
		}
		return hk.Provider("OTRF", huntkit.WithData(data...))
	}

	var listOut cliapp.Output
	list := &cobra.Command{
		Use:   "list [REGEX]",
		Short: "List datasets whose id, title, technique, tactic or table matches REGEX",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := listOut.Validate(); err != nil {
				return err
			}
			s, err := session(cmd)
			if err != nil {
				return err
			}
			expr := ""
			if len(args) == 1 {
				expr = args[0]
			}
			f, err := s.Datasets(cmd.Context(), expr)
			if err != nil {
				return err
			}
			if listOut.Format == "" || listOut.Format == "table" {
				f = f.Drop("Description", "Created", "Type")
			}
			return app.WriteFrame(&listOut, f)
		},
	}
	cliapp.AddOutputFlags(list, &listOut)

	get := &cobra.Command{
		Use:   "get ID|TABLE...",
		Short: "Download (once) and import datasets into the workspace; prints the table names",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := session(cmd)
			if err != nil {
				return err
			}
			var failed []string
			for _, a := range args {
				tables, err := s.Load(cmd.Context(), a)
				if err != nil {
					app.Warnf("%s", cliapp.Message(err))
					failed = append(failed, a)
					continue
				}
				for _, t := range tables {
					fmt.Fprintln(app.Out, t)
				}
			}
			if len(failed) > 0 {
				return fmt.Errorf("%d of %d datasets not loaded: %s", len(failed), len(args), strings.Join(failed, ", "))
			}
			app.NoteInMemory()
			return nil
		},
	}
	cmd.AddCommand(list, get)
	return cmd
}
