package demo

import (
	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/schema"
)

// Table names, as in Microsoft Sentinel / Defender XDR.
const (
	TSecurityEvent       = "SecurityEvent"
	TDeviceProcessEvents = "DeviceProcessEvents"
	TDeviceNetworkEvents = "DeviceNetworkEvents"
	TDeviceFileEvents    = "DeviceFileEvents"
	TDeviceLogonEvents   = "DeviceLogonEvents"
	TSigninLogs          = "SigninLogs"
	TSyslog              = "Syslog"
	TCommonSecurityLog   = "CommonSecurityLog"
	TDnsEvents           = "DnsEvents"
	TSecurityAlert       = "SecurityAlert"
	TSecurityIncident    = "SecurityIncident"
	TThreatIntel         = "ThreatIntelligenceIndicator"
	TOfficeActivity      = "OfficeActivity"
	THeartbeat           = "Heartbeat"
)

// TableNames lists every table the generator writes, in output order.
var TableNames = []string{
	TSecurityEvent, TDeviceProcessEvents, TDeviceNetworkEvents, TDeviceFileEvents,
	TDeviceLogonEvents, TSigninLogs, TSyslog, TCommonSecurityLog, TDnsEvents,
	TSecurityAlert, TSecurityIncident, TThreatIntel, TOfficeActivity, THeartbeat,
}

// schemas lists, per table, the columns the simulation fills, in output order. Their
// types come from package schema, the one home of the documented table schemas (see
// fields); a name the schema does not document is a programming error.
var schemas = map[string][]string{
	TSecurityEvent: {
		"TenantId", "TimeGenerated", "SourceSystem", "Account", "AccountType", "Computer",
		"EventSourceName", "Channel", "Task", "Level", "EventID", "Activity",
		"SourceComputerId", "EventOriginId", "AuthenticationPackageName", "LmPackageName",
		"FailureReason", "IpAddress", "IpPort", "LogonProcessName", "LogonType", "LogonTypeName",
		"MemberName", "MemberSid", "NewProcessId", "NewProcessName", "CommandLine",
		"ParentProcessName", "Process", "ProcessId", "PrivilegeList", "SamAccountName",
		"ServiceName", "ServiceFileName", "ServiceType", "ServiceStartType", "ServiceAccount",
		"Status", "SubStatus", "SubjectAccount", "SubjectDomainName", "SubjectLogonId",
		"SubjectUserName", "SubjectUserSid", "TargetAccount", "TargetDomainName", "TargetLogonId",
		"TargetSid", "TargetUserName", "TargetUserSid", "TargetServerName", "TargetInfo",
		"TokenElevationType", "MandatoryLabel", "UserPrincipalName", "DisplayName",
		"WorkstationName", "ElevatedToken", "Type",
	},
	TDeviceProcessEvents: append([]string{
		"TenantId", "TimeGenerated", "Timestamp", "DeviceId", "DeviceName", "ActionType",
		"FileName", "FolderPath", "SHA1", "SHA256", "MD5", "FileSize",
		"ProcessVersionInfoCompanyName", "ProcessVersionInfoProductName",
		"ProcessVersionInfoOriginalFileName", "ProcessVersionInfoFileDescription",
		"ProcessId", "ProcessCommandLine", "ProcessIntegrityLevel", "ProcessTokenElevation",
		"ProcessCreationTime", "AccountDomain", "AccountName", "AccountSid", "AccountUpn",
		"AccountObjectId", "LogonId",
	}, initiatingCols("ReportId", "AdditionalFields", "Type")...),
	TDeviceNetworkEvents: append([]string{
		"TenantId", "TimeGenerated", "Timestamp", "DeviceId", "DeviceName", "ActionType",
		"RemoteIP", "RemotePort", "RemoteUrl", "LocalIP", "LocalPort", "Protocol",
		"LocalIPType", "RemoteIPType",
	}, initiatingCols("ReportId", "AdditionalFields", "Type")...),
	TDeviceFileEvents: append([]string{
		"TenantId", "TimeGenerated", "Timestamp", "DeviceId", "DeviceName", "ActionType",
		"FileName", "FolderPath", "SHA1", "SHA256", "MD5", "FileSize", "FileOriginUrl",
		"FileOriginIP", "PreviousFileName", "PreviousFolderPath", "RequestProtocol",
		"RequestSourceIP", "RequestAccountName", "RequestAccountDomain", "RequestAccountSid",
		"ShareName",
	}, initiatingCols("ReportId", "AdditionalFields", "Type")...),
	TDeviceLogonEvents: append([]string{
		"TenantId", "TimeGenerated", "Timestamp", "DeviceId", "DeviceName", "ActionType",
		"LogonType", "AccountDomain", "AccountName", "AccountSid", "Protocol", "FailureReason",
		"IsLocalAdmin", "LogonId", "RemoteDeviceName", "RemoteIP", "RemoteIPType",
		"RemotePort",
	}, initiatingCols("ReportId", "AdditionalFields", "Type")...),
	TSigninLogs: {
		"TenantId", "SourceSystem", "TimeGenerated", "OperationName", "Category",
		"ResultType", "ResultSignature", "ResultDescription", "DurationMs", "CorrelationId",
		"Identity", "Level", "Location", "AlternateSignInName", "AppDisplayName", "AppId",
		"AuthenticationDetails", "AuthenticationRequirement", "ClientAppUsed",
		"ConditionalAccessStatus", "CreatedDateTime", "DeviceDetail", "IsInteractive",
		"Id", "IPAddress", "LocationDetails", "MfaDetail", "NetworkLocationDetails",
		"ResourceDisplayName", "ResourceId", "RiskDetail", "RiskLevelAggregated",
		"RiskLevelDuringSignIn", "RiskState", "Status", "UserAgent", "UserDisplayName",
		"UserId", "UserPrincipalName", "UserType", "Type",
	},
	TSyslog: {
		"TenantId", "SourceSystem", "TimeGenerated", "Computer", "EventTime",
		"Facility", "HostName", "SeverityLevel", "SyslogMessage", "ProcessID", "HostIP",
		"ProcessName", "CollectorHostName", "Type",
	},
	TCommonSecurityLog: {
		"TenantId", "TimeGenerated", "DeviceVendor", "DeviceProduct", "DeviceVersion",
		"DeviceEventClassID", "Activity", "LogSeverity", "DeviceAction", "SimplifiedDeviceAction",
		"ApplicationProtocol", "Protocol", "SourceIP", "SourcePort", "SourceUserName",
		"SourceHostName", "DestinationIP", "DestinationPort", "DestinationHostName",
		"RequestURL", "SentBytes", "ReceivedBytes", "CommunicationDirection",
		"DeviceName", "DeviceInboundInterface", "DeviceOutboundInterface", "Computer",
		"Message", "SourceSystem", "Type",
	},
	TDnsEvents: {
		"TenantId", "SourceSystem", "TimeGenerated", "Computer", "EventId", "SubType",
		"ClientIP", "Name", "IPAddresses", "QueryType", "ResultCode", "Result",
		"MaliciousIP", "IndicatorThreatType", "Confidence", "Severity", "TaskCategory",
		"Message", "Type",
	},
	TSecurityAlert: {
		"TenantId", "TimeGenerated", "DisplayName", "AlertName", "AlertSeverity",
		"Description", "ProviderName", "VendorName", "VendorOriginalId", "SystemAlertId",
		"ResourceId", "SourceComputerId", "AlertType", "ConfidenceLevel", "IsIncident",
		"StartTime", "EndTime", "ProcessingEndTime", "RemediationSteps",
		"ExtendedProperties", "Entities", "SourceSystem", "ProductName", "ProductComponentName",
		"AlertLink", "Status", "CompromisedEntity", "Tactics", "Techniques", "Type",
	},
	TSecurityIncident: {
		"TenantId", "TimeGenerated", "IncidentName", "Title", "Description", "Severity",
		"Status", "Classification", "ClassificationComment", "ClassificationReason",
		"Owner", "ProviderName", "ProviderIncidentId", "FirstActivityTime",
		"LastActivityTime", "FirstModifiedTime", "LastModifiedTime",
		"CreatedTime", "ClosedTime", "IncidentNumber", "AlertIds",
		"RelatedAnalyticRuleIds", "Labels", "IncidentUrl", "ModifiedBy",
		"SourceSystem", "Type",
	},
	TThreatIntel: {
		"TenantId", "TimeGenerated", "SourceSystem", "Action", "Active",
		"ConfidenceScore", "Description", "ExpirationDateTime", "IndicatorId",
		"ExternalIndicatorId", "ThreatType", "ThreatSeverity", "TrafficLightProtocolLevel",
		"Tags", "NetworkIP", "NetworkDestinationIP", "NetworkSourceIP", "DomainName", "Url",
		"EmailSenderAddress", "FileHashType", "FileHashValue", "FileName", "Type",
	},
	TOfficeActivity: {
		"TenantId", "TimeGenerated", "RecordType", "Operation", "OrganizationId",
		"UserType", "UserKey", "OfficeWorkload", "ResultStatus", "OfficeObjectId", "UserId",
		"ClientIP", "Client_IPAddress", "UserAgent", "MailboxOwnerUPN", "Parameters",
		"ExternalAccess", "Site_Url", "SourceRelativeUrl", "SourceFileName",
		"SourceFileExtension", "OfficeId", "SourceSystem", "Type",
	},
	THeartbeat: {
		"TenantId", "SourceSystem", "TimeGenerated", "SourceComputerId", "ComputerIP",
		"Computer", "Category", "OSType", "OSName", "OSMajorVersion", "OSMinorVersion",
		"Version", "ComputerEnvironment", "Solutions", "RemoteIPCountry", "Type",
	},
}

// fields returns the columns of table with their documented types.
func fields(table string) []frame.Field {
	cols, err := schema.Select(table, schemas[table]...)
	if err != nil {
		panic("demo: " + err.Error())
	}
	return cols
}

// initiatingCols lists Defender's InitiatingProcess* columns, followed by tail.
func initiatingCols(tail ...string) []string {
	c := []string{
		"InitiatingProcessAccountDomain", "InitiatingProcessAccountName",
		"InitiatingProcessAccountSid", "InitiatingProcessAccountUpn",
		"InitiatingProcessAccountObjectId", "InitiatingProcessLogonId",
		"InitiatingProcessIntegrityLevel", "InitiatingProcessTokenElevation",
		"InitiatingProcessSHA1", "InitiatingProcessSHA256", "InitiatingProcessMD5",
		"InitiatingProcessFileName", "InitiatingProcessFileSize",
		"InitiatingProcessId", "InitiatingProcessCommandLine",
		"InitiatingProcessCreationTime", "InitiatingProcessFolderPath",
		"InitiatingProcessParentId", "InitiatingProcessParentFileName",
		"InitiatingProcessParentCreationTime",
	}
	return append(c, tail...)
}
