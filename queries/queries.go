// Package queries is huntkit's built-in library of hunting query templates, written in KQL
// in msticpy's YAML template format. The same template runs on Microsoft Sentinel / Log
// Analytics or Defender XDR advanced hunting natively, and on local data (LocalData, the
// demo tenant) through huntkit's KQL compiler.
//
// Importing the package registers the library with package query, so query.LoadStore
// includes it before any custom template folder.
package queries

import (
	"embed"

	"github.com/huntkit/huntkit/query"
)

// FS holds the template files (*.yaml at its root).
//
//go:embed *.yaml
var FS embed.FS

func init() { query.RegisterBuiltin(FS, ".") }
