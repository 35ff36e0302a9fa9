package demo

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

// Column specs follow the documented Azure Monitor / Defender XDR table references
// (learn.microsoft.com/azure/azure-monitor/reference/tables/...): "Name" is a string
// column, "Name:type" another type. Only the columns the simulation fills are listed.
var schemas = map[string][]string{
	TSecurityEvent: {
		"TenantId", "TimeGenerated:time", "SourceSystem", "Account", "AccountType", "Computer",
		"EventSourceName", "Channel", "Task:int", "Level", "EventID:int", "Activity",
		"SourceComputerId", "EventOriginId", "AuthenticationPackageName", "LmPackageName",
		"FailureReason", "IpAddress", "IpPort", "LogonProcessName", "LogonType:int", "LogonTypeName",
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
		"TenantId", "TimeGenerated:time", "Timestamp:time", "DeviceId", "DeviceName", "ActionType",
		"FileName", "FolderPath", "SHA1", "SHA256", "MD5", "FileSize:int",
		"ProcessVersionInfoCompanyName", "ProcessVersionInfoProductName",
		"ProcessVersionInfoOriginalFileName", "ProcessVersionInfoFileDescription",
		"ProcessId:int", "ProcessCommandLine", "ProcessIntegrityLevel", "ProcessTokenElevation",
		"ProcessCreationTime:time", "AccountDomain", "AccountName", "AccountSid", "AccountUpn",
		"AccountObjectId", "LogonId:int",
	}, initiatingCols("ReportId:int", "AdditionalFields", "Type")...),
	TDeviceNetworkEvents: append([]string{
		"TenantId", "TimeGenerated:time", "Timestamp:time", "DeviceId", "DeviceName", "ActionType",
		"RemoteIP", "RemotePort:int", "RemoteUrl", "LocalIP", "LocalPort:int", "Protocol",
		"LocalIPType", "RemoteIPType",
	}, initiatingCols("ReportId:int", "AdditionalFields", "Type")...),
	TDeviceFileEvents: append([]string{
		"TenantId", "TimeGenerated:time", "Timestamp:time", "DeviceId", "DeviceName", "ActionType",
		"FileName", "FolderPath", "SHA1", "SHA256", "MD5", "FileSize:int", "FileOriginUrl",
		"FileOriginIP", "PreviousFileName", "PreviousFolderPath", "RequestProtocol",
		"RequestSourceIP", "RequestAccountName", "RequestAccountDomain", "RequestAccountSid",
		"ShareName",
	}, initiatingCols("ReportId:int", "AdditionalFields", "Type")...),
	TDeviceLogonEvents: append([]string{
		"TenantId", "TimeGenerated:time", "Timestamp:time", "DeviceId", "DeviceName", "ActionType",
		"LogonType", "AccountDomain", "AccountName", "AccountSid", "Protocol", "FailureReason",
		"IsLocalAdmin:bool", "LogonId:int", "RemoteDeviceName", "RemoteIP", "RemoteIPType",
		"RemotePort:int",
	}, initiatingCols("ReportId:int", "AdditionalFields", "Type")...),
	TSigninLogs: {
		"TenantId", "SourceSystem", "TimeGenerated:time", "OperationName", "Category",
		"ResultType", "ResultSignature", "ResultDescription", "DurationMs:int", "CorrelationId",
		"Identity", "Level", "Location", "AlternateSignInName", "AppDisplayName", "AppId",
		"AuthenticationDetails", "AuthenticationRequirement", "ClientAppUsed",
		"ConditionalAccessStatus", "CreatedDateTime:time", "DeviceDetail:dynamic", "IsInteractive:bool",
		"Id", "IPAddress", "LocationDetails:dynamic", "MfaDetail:dynamic", "NetworkLocationDetails",
		"ResourceDisplayName", "ResourceId", "RiskDetail", "RiskLevelAggregated",
		"RiskLevelDuringSignIn", "RiskState", "Status:dynamic", "UserAgent", "UserDisplayName",
		"UserId", "UserPrincipalName", "UserType", "Type",
	},
	TSyslog: {
		"TenantId", "SourceSystem", "TimeGenerated:time", "Computer", "EventTime:time",
		"Facility", "HostName", "SeverityLevel", "SyslogMessage", "ProcessID:int", "HostIP",
		"ProcessName", "CollectorHostName", "Type",
	},
	TCommonSecurityLog: {
		"TenantId", "TimeGenerated:time", "DeviceVendor", "DeviceProduct", "DeviceVersion",
		"DeviceEventClassID", "Activity", "LogSeverity", "DeviceAction", "SimplifiedDeviceAction",
		"ApplicationProtocol", "Protocol", "SourceIP", "SourcePort:int", "SourceUserName",
		"SourceHostName", "DestinationIP", "DestinationPort:int", "DestinationHostName",
		"RequestURL", "SentBytes:int", "ReceivedBytes:int", "CommunicationDirection",
		"DeviceName", "DeviceInboundInterface", "DeviceOutboundInterface", "Computer",
		"Message", "SourceSystem", "Type",
	},
	TDnsEvents: {
		"TenantId", "SourceSystem", "TimeGenerated:time", "Computer", "EventId:int", "SubType",
		"ClientIP", "Name", "IPAddresses", "QueryType", "ResultCode:int", "Result",
		"MaliciousIP", "IndicatorThreatType", "Confidence", "Severity:int", "TaskCategory",
		"Message", "Type",
	},
	TSecurityAlert: {
		"TenantId", "TimeGenerated:time", "DisplayName", "AlertName", "AlertSeverity",
		"Description", "ProviderName", "VendorName", "VendorOriginalId", "SystemAlertId",
		"ResourceId", "SourceComputerId", "AlertType", "ConfidenceLevel", "IsIncident:bool",
		"StartTime:time", "EndTime:time", "ProcessingEndTime:time", "RemediationSteps",
		"ExtendedProperties", "Entities", "SourceSystem", "ProductName", "ProductComponentName",
		"AlertLink", "Status", "CompromisedEntity", "Tactics", "Techniques", "Type",
	},
	TSecurityIncident: {
		"TenantId", "TimeGenerated:time", "IncidentName", "Title", "Description", "Severity",
		"Status", "Classification", "ClassificationComment", "ClassificationReason",
		"Owner:dynamic", "ProviderName", "ProviderIncidentId", "FirstActivityTime:time",
		"LastActivityTime:time", "FirstModifiedTime:time", "LastModifiedTime:time",
		"CreatedTime:time", "ClosedTime:time", "IncidentNumber:int", "AlertIds:dynamic",
		"RelatedAnalyticRuleIds:dynamic", "Labels:dynamic", "IncidentUrl", "ModifiedBy",
		"SourceSystem", "Type",
	},
	TThreatIntel: {
		"TenantId", "TimeGenerated:time", "SourceSystem", "Action", "Active:bool",
		"ConfidenceScore:float", "Description", "ExpirationDateTime:time", "IndicatorId",
		"ExternalIndicatorId", "ThreatType", "ThreatSeverity:int", "TrafficLightProtocolLevel",
		"Tags", "NetworkIP", "NetworkDestinationIP", "NetworkSourceIP", "DomainName", "Url",
		"EmailSenderAddress", "FileHashType", "FileHashValue", "FileName", "Type",
	},
	TOfficeActivity: {
		"TenantId", "TimeGenerated:time", "RecordType", "Operation", "OrganizationId",
		"UserType", "UserKey", "OfficeWorkload", "ResultStatus", "OfficeObjectId", "UserId",
		"ClientIP", "Client_IPAddress", "UserAgent", "MailboxOwnerUPN", "Parameters",
		"ExternalAccess", "Site_Url", "SourceRelativeUrl", "SourceFileName",
		"SourceFileExtension", "OfficeId", "SourceSystem", "Type",
	},
	THeartbeat: {
		"TenantId", "SourceSystem", "TimeGenerated:time", "SourceComputerId", "ComputerIP",
		"Computer", "Category", "OSType", "OSName", "OSMajorVersion", "OSMinorVersion",
		"Version", "ComputerEnvironment", "Solutions", "RemoteIPCountry", "Type",
	},
}

// initiatingCols lists Defender's InitiatingProcess* columns, followed by tail.
func initiatingCols(tail ...string) []string {
	c := []string{
		"InitiatingProcessAccountDomain", "InitiatingProcessAccountName",
		"InitiatingProcessAccountSid", "InitiatingProcessAccountUpn",
		"InitiatingProcessAccountObjectId", "InitiatingProcessLogonId:int",
		"InitiatingProcessIntegrityLevel", "InitiatingProcessTokenElevation",
		"InitiatingProcessSHA1", "InitiatingProcessSHA256", "InitiatingProcessMD5",
		"InitiatingProcessFileName", "InitiatingProcessFileSize:int",
		"InitiatingProcessId:int", "InitiatingProcessCommandLine",
		"InitiatingProcessCreationTime:time", "InitiatingProcessFolderPath",
		"InitiatingProcessParentId:int", "InitiatingProcessParentFileName",
		"InitiatingProcessParentCreationTime:time",
	}
	return append(c, tail...)
}
