// Package all registers every TI provider with package ti; import it for its side effects:
//
//	import _ "github.com/huntkit/huntkit/ti/all"
package all

import (
	_ "github.com/huntkit/huntkit/ti/abuseipdb"     // AbuseIPDB
	_ "github.com/huntkit/huntkit/ti/binaryedge"    // BinaryEdge
	_ "github.com/huntkit/huntkit/ti/crowdsec"      // CrowdSec
	_ "github.com/huntkit/huntkit/ti/greynoise"     // GreyNoise
	_ "github.com/huntkit/huntkit/ti/ipqs"          // IPQualityScore
	_ "github.com/huntkit/huntkit/ti/localfeed"     // LocalFeed
	_ "github.com/huntkit/huntkit/ti/malwarebazaar" // MalwareBazaar
	_ "github.com/huntkit/huntkit/ti/openpagerank"  // OpenPageRank
	_ "github.com/huntkit/huntkit/ti/otx"           // OTX
	_ "github.com/huntkit/huntkit/ti/pulsedive"     // Pulsedive
	_ "github.com/huntkit/huntkit/ti/threatfox"     // ThreatFox
	_ "github.com/huntkit/huntkit/ti/tor"           // Tor
	_ "github.com/huntkit/huntkit/ti/urlhaus"       // URLhaus
	_ "github.com/huntkit/huntkit/ti/virustotal"    // VirusTotal
	_ "github.com/huntkit/huntkit/ti/xforce"        // XForce
)
