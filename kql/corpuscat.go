package kql

import (
	"sync"

	"github.com/huntkit/huntkit/schema"
)

// CorpusCatalog returns schemas for tables that are not Log Analytics tables documented in
// the Azure Monitor table reference but that Sentinel hunting queries read: custom logs
// written by data connectors (names ending in _CL, whose columns carry Log Analytics'
// type suffixes _s string, _d real, _b bool, _t datetime, _g guid) and workspace parser
// functions that Sentinel solutions install (SQLEvent, ZoomLogs, GitHubAudit, ...), which
// behave like tables in queries.
//
// These schemas are not authoritative: each table lists the columns that its connector's
// or parser's documentation names and that the Sentinel corpus queries use, typed by the
// custom-log suffix or, for parser output columns, by how the queries use them (a column
// compared with ago() is a datetime, one divided by 1000 is a number). Parser output
// columns without a documented type are strings. Keep them apart from SentinelCatalog,
// which holds only documented tables; combine both with Catalogs{SentinelCatalog(),
// CorpusCatalog()}.
func CorpusCatalog() MapCatalog {
	corpusOnce.Do(func() {
		corpusTables = MapCatalog{}
		for name, spec := range corpusSpecs {
			corpusTables[name] = schema.Parse(spec)
		}
	})
	out := make(MapCatalog, len(corpusTables))
	for k, v := range corpusTables {
		out[k] = v
	}
	return out
}

// CorpusTables returns SentinelCatalog and CorpusCatalog merged into one map (a
// Sentinel table wins over a corpus table of the same name), for callers that need to
// list every table, such as creating empty tables of the catalogue's shape.
func CorpusTables() MapCatalog {
	out := CorpusCatalog()
	for k, v := range SentinelCatalog() {
		out[k] = v
	}
	return out
}

var (
	corpusOnce   sync.Once
	corpusTables MapCatalog
)

// clCommon are the columns Log Analytics adds to every custom log.
const clCommon = " TenantId SourceSystem Computer RawData ManagementGroupName Type _ResourceId"

// corpusSpecs use schema.Parse's notation (s=string, l=long, r=real, b=bool, t=datetime,
// d=dynamic; a bare name is a string).
var corpusSpecs = map[string]string{
	// custom logs (data connector tables)
	"Okta_CL": "TimeGenerated:t published_t:t eventType_s displayMessage_s severity_s outcome_result_s outcome_reason_s actor_alternateId_s actor_displayName_s actor_id_s actor_type_s " +
		"client_ipAddress_s client_userAgent_rawUserAgent_s client_geographicalContext_city_s client_geographicalContext_country_s client_geographicalContext_state_s uuid_g" + clCommon,
	"AwsBucketAPILogs_CL": awsS3Columns + clCommon,
	// the AWS S3 solution's parser over AwsBucketAPILogs_CL
	"AWSS3BucketAPILogParsed": awsS3Columns + schema.StandardColumns,
	"CarbonBlackEvents_CL": "TimeGenerated:t eventTime_d:r eventType_s targetApp_effectiveReputation_s processDetails_targetName_s shortDescription_s longDescription_s deviceDetails_deviceName_s deviceDetails_deviceIpAddress_s " +
		"processDetails_fullUserName_s processDetails_processName_s processDetails_commandLine_s threatHunterInfo_summary_s threatHunterInfo_score_d:r" + clCommon,
	"CarbonBlackNotifications_CL": "TimeGenerated:t threatHunterInfo_time_d:r threatHunterInfo_score_d:r threatHunterInfo_reportName_s threatHunterInfo_summary_s threatInfo_summary_s " +
		"threatInfo_score_d:r threatInfo_time_d:r deviceInfo_deviceName_s deviceInfo_externalIpAddress_s deviceInfo_internalIpAddress_s deviceInfo_email_s type_s" + clCommon,
	"ProofPointTAPClicksPermitted_CL": "TimeGenerated:t clickTime_t:t threatTime_t:t classification_s recipient_s sender_s senderIP_s clickIP_s url_s userAgent_s campaignId_s threatID_s threatStatus_s GUID_s messageID_s" + clCommon,
	"ProofPointTAPMessagesDelivered_CL": "TimeGenerated:t messageTime_t:t recipient_s sender_s senderIP_s subject_s messageParts_s threatsInfoMap_s fromAddress_s toAddresses_s " +
		"headerFrom_s headerReplyTo_s spamScore_d:r phishScore_d:r GUID_s messageID_s" + clCommon,
	"QualysHostDetection_CL": "TimeGenerated:t HostId_s IPAddress NetBios_s OperatingSystem_s DNSName_s Detections_s LastScanDateTime_t:t" + clCommon,
	"TrendMicro_XDR_CL": "TimeGenerated:t workbenchId_s workbenchName_s workbenchLink_s alertProvider_s modelSeverity_s severity_s score_d:r description_s " +
		"impactScope_account_s impactScope_host_s impactScope_hostname_s impactScope_desktopCount_d:r impactScope_serverCount_d:r createdTime_t:t" + clCommon,
	"eset_CL": "TimeGenerated:t event_type_s hostname_s ipv4_s username_s object_uri_s object_type_s action_taken_s severity_s threat_name_s threat_type_s" + clCommon,
	// workspace parser functions installed by Sentinel solutions
	"GitHubAudit": "TimeGenerated:t Organization Action Actor ActorLocation:d Country IPaddress ImpactedUser Repository PreviousPermission CurrentPermission Team User UserEmail ImplicitPermissions " +
		"InvitedUserPermission Visibility OperationType Data:d" + schema.StandardColumns,
	"GitHubRepo": "TimeGenerated:t timestamp_t:t Organization Repository Action Actor Count:l DismmisedAt:t PublishedAt:t Reason Severity Summary Description Link vulnerableManifestFilename" + schema.StandardColumns,
	"SQLEvent":   "TimeGenerated:t Computer Action ClientIP CurrentUser DatabaseName ObjectName LogonResult Reason Statement" + schema.StandardColumns,
	"ZoomLogs": "TimeGenerated:t Event User UserId ChatEvents MeetingEvents RoomEvents payload_object_email_s payload_object_participant_user_name_s payload_object_registrant_email_s " +
		"payload_object_room_name_s payload_object_uuid_s" + schema.StandardColumns,
	"InfobloxNIOS":       "TimeGenerated:t Computer ServerIP Client_IP Log_Type ProcessName ResponseCode Query QueryType" + schema.StandardColumns,
	"PulseConnectSecure": "TimeGenerated:t Computer Messages Source_IP User" + schema.StandardColumns,
	"SophosXGFirewall":   "TimeGenerated:t Computer Log_Type Status Src_IP Dst_IP Src_Port Dst_Port" + schema.StandardColumns,
	"SymantecProxySG":    "TimeGenerated:t Computer c_ip cs_host cs_categories cs_userdn sc_filter_result" + schema.StandardColumns,
	"SymantecVIP":        "TimeGenerated:t Computer ClientIP RADIUSAuth User" + schema.StandardColumns,
	"afad_parser":        "TimeGenerated:t Codename MessageType Severity" + schema.StandardColumns,
}

const awsS3Columns = "TimeGenerated:t EventTime:t EventSource EventName SourceIPAddress UserIdentityType UserIdentityArn UserIdentityUserName BucketName Host " +
	"AuthenticationMethod SessionMfaAuthenticated SessionUserName Key BytesTransferredOut:r BytesTransferredIn:r"
