package schema

import (
	"strings"
	"testing"

	"github.com/huntkit/huntkit/frame"
)

// defenderTables is the table list of the advanced-hunting schema reference (DefenderVersion).
var defenderTables = []string{
	"AADSignInEventsBeta", "AADSpnSignInEventsBeta", "AIAgentsInfo", "AlertEvidence", "AlertInfo", "BehaviorEntities", "BehaviorInfo",
	"CampaignInfo", "CloudAppEvents", "CloudAuditEvents", "CloudDnsEvents", "CloudProcessEvents", "CloudStorageAggregatedEvents",
	"DataSecurityBehaviors", "DataSecurityEvents", "DeviceBaselineComplianceAssessment", "DeviceBaselineComplianceAssessmentKB",
	"DeviceBaselineComplianceProfiles", "DeviceEvents", "DeviceFileCertificateInfo", "DeviceFileEvents", "DeviceImageLoadEvents",
	"DeviceInfo", "DeviceLogonEvents", "DeviceNetworkEvents", "DeviceNetworkInfo", "DeviceProcessEvents", "DeviceRegistryEvents",
	"DeviceTvmBrowserExtensions", "DeviceTvmBrowserExtensionsKB", "DeviceTvmCertificateInfo", "DeviceTvmHardwareFirmware",
	"DeviceTvmInfoGathering", "DeviceTvmInfoGatheringKB", "DeviceTvmSecureConfigurationAssessment", "DeviceTvmSecureConfigurationAssessmentKB",
	"DeviceTvmSoftwareEvidenceBeta", "DeviceTvmSoftwareInventory", "DeviceTvmSoftwareVulnerabilities", "DeviceTvmSoftwareVulnerabilitiesKB",
	"DisruptionAndResponseEvents", "EmailAttachmentInfo", "EmailEvents", "EmailPostDeliveryEvents", "EmailUrlInfo", "EntraIdSignInEvents",
	"EntraIdSpnSignInEvents", "ExposureGraphEdges", "ExposureGraphNodes", "FileMaliciousContentInfo", "GraphApiAuditEvents",
	"IdentityAccountInfo", "IdentityDirectoryEvents", "IdentityEvents", "IdentityInfo", "IdentityLogonEvents", "IdentityQueryEvents",
	"MessageEvents", "MessagePostDeliveryEvents", "MessageUrlInfo", "OAuthAppInfo", "UrlClickEvents",
}

func TestEveryDefenderTable(t *testing.T) {
	for _, name := range defenderTables {
		cols, ok := Lookup(name)
		if !ok || len(cols) == 0 {
			t.Errorf("%s: missing", name)
		}
	}
}

func TestDocumentedColumns(t *testing.T) {
	for _, tc := range []struct {
		table, col string
		typ        frame.Type
	}{
		{"AlertEvidence", "FileSize", frame.Int},
		{"CloudAppEvents", "RawEventData", frame.Dynamic},
		{"IdentityQueryEvents", "Port", frame.Int},
		{"DeviceTvmSoftwareVulnerabilitiesKB", "IsExploitAvailable", frame.Bool},
		{"DeviceTvmSecureConfigurationAssessment", "ConfigurationImpact", frame.Float},
		{"EmailPostDeliveryEvents", "Timestamp", frame.Time},
		// merged: the Sentinel copy keeps TimeGenerated and gains the advanced-hunting columns
		{"DeviceProcessEvents", "TimeGenerated", frame.Time},
		{"DeviceProcessEvents", "InitiatingProcessSignerType", frame.String},
		{"DeviceNetworkEvents", "IsInitiatingProcessRemoteSession", frame.Bool},
		{"IdentityInfo", "OnPremSid", frame.String},
	} {
		cols, err := Select(tc.table, tc.col)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		if cols[0].Type != tc.typ {
			t.Errorf("%s.%s: %v, want %v", tc.table, tc.col, cols[0].Type, tc.typ)
		}
	}
}

func TestNoDuplicateColumns(t *testing.T) {
	for name, cols := range All() {
		seen := map[string]bool{}
		for _, c := range cols {
			k := strings.ToLower(c.Name)
			if seen[k] {
				t.Errorf("%s: column %s twice", name, c.Name)
			}
			seen[k] = true
		}
	}
}

func TestSelect(t *testing.T) {
	cols, err := Select("SecurityEvent", "EventID", "Computer")
	if err != nil || len(cols) != 2 || cols[0].Name != "EventID" || cols[0].Type != frame.Int {
		t.Fatalf("%v %v", cols, err)
	}
	if _, err := Select("SecurityEvent", "NoSuchColumn"); err == nil || !strings.Contains(err.Error(), "NoSuchColumn") {
		t.Fatalf("err = %v", err)
	}
	if _, err := Select("NoSuchTable"); err == nil {
		t.Fatal("unknown table accepted")
	}
}

func TestParse(t *testing.T) {
	got := Parse("A:t B:l C:i D:r E:b F:d G H:g a:t")
	want := []frame.Type{frame.Time, frame.Int, frame.Int, frame.Float, frame.Bool, frame.Dynamic, frame.String, frame.String}
	if len(got) != len(want) {
		t.Fatalf("got %d columns (a repeats A in another case and is dropped)", len(got))
	}
	for i, w := range want {
		if got[i].Type != w {
			t.Errorf("%s: %v, want %v", got[i].Name, got[i].Type, w)
		}
	}
}
