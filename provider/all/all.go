// Package all links every built data-environment driver into a program: importing it for its
// side effects registers each provider with package query (telegraf's registry pattern).
package all

import (
	// Local files on the embedded DuckDB engine.
	_ "github.com/huntkit/huntkit/provider/localdata"
	// OTRF Security-Datasets (msticpy's Mordor).
	_ "github.com/huntkit/huntkit/provider/otrf"
	// Microsoft Sentinel / Log Analytics through the Azure SDK.
	_ "github.com/huntkit/huntkit/provider/sentinel"
	// Azure Data Explorer (Kusto) through azkustodata.
	_ "github.com/huntkit/huntkit/provider/kusto"
	// Defender advanced hunting: MDE, M365D and M365DGraph.
	_ "github.com/huntkit/huntkit/provider/defender"
	// Microsoft Graph (MSGraph / SecurityGraph): OData paths, security alerts and incidents.
	_ "github.com/huntkit/huntkit/provider/msgraph"
	// Azure Resource Graph through armresourcegraph.
	_ "github.com/huntkit/huntkit/provider/resourcegraph"
	// Elasticsearch: ES|QL, Lucene and query DSL with point-in-time paging.
	// Cybereason visual search.
	_ "github.com/huntkit/huntkit/provider/cybereason"
	_ "github.com/huntkit/huntkit/provider/elastic"
	// OpenObserve SQL through its _search API.
	_ "github.com/huntkit/huntkit/provider/openobserve"
	// osquery result logs, one table per scheduled query.
	_ "github.com/huntkit/huntkit/provider/osquery"
	// Prisma Cloud RQL search.
	_ "github.com/huntkit/huntkit/provider/prismacloud"
	// Splunk through the REST export endpoint.
	_ "github.com/huntkit/huntkit/provider/splunk"
	// Sumo Logic through the Search Job API.
	_ "github.com/huntkit/huntkit/provider/sumologic"
	// Velociraptor collection results, one table per artifact.
	_ "github.com/huntkit/huntkit/provider/velociraptor"
)
