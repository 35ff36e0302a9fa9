package kql

import "github.com/huntkit/huntkit/schema"

// SentinelCatalog returns the documented table schemas of package schema: Microsoft
// Sentinel / Log Analytics tables with the columns of the Azure Monitor table reference,
// and the Microsoft Defender XDR advanced-hunting tables. Guids are strings.
func SentinelCatalog() MapCatalog { return MapCatalog(schema.All()) }
