package schema

// StandardColumns are the columns Log Analytics adds to its tables (after a leading space,
// in the notation of Parse).
const StandardColumns = " TenantId SourceSystem Type _ResourceId _ItemId"

// logAnalytics holds the Log Analytics / Sentinel tables of the Azure Monitor table
// reference, and the Defender tables that Sentinel ingests with a TimeGenerated column.
var logAnalytics = map[string]string{
	"SecurityEvent": "TimeGenerated:t Account AccountType Computer EventSourceName Channel Task:i Level EventData Activity EventID:i SourceComputerId EventOriginId MG TimeCollected:t ManagementGroupName " +
		"AccessMask AccessList AccessReason AccountDomain AccountExpires AccountName AccountSessionIdentifier AdditionalInfo AdditionalInfo2 AllowedToDelegateTo Attributes AuthenticationPackageName " +
		"AuthenticationProvider CallerProcessId CallerProcessName CertIssuerName CertSerialNumber CommandLine Disposition DisplayName Fqbn FileHash FilePath FilePathNoUser Status SubStatus " +
		"ElevatedToken HandleId HomeDirectory HomePath ImpersonationLevel IpAddress IpPort KeyLength LmPackageName LogonGuid LogonHours LogonID LogonProcessName LogonType:i LogonTypeName " +
		"MandatoryLabel MemberName MemberSid NewProcessId NewProcessName ObjectName ObjectServer ObjectType OldUacValue OperationType PackageName ParentProcessName PasswordLastSet " +
		"PrivilegeList Process ProcessId ProcessName Properties PublisherName RestrictedAdminMode SamAccountName ScriptPath ServiceName ServiceType ServiceFileName ServiceStartType ServiceAccount " +
		"SidHistory SourceAccount SubjectAccount SubjectDomainName SubjectKeyIdentifier SubjectLogonId SubjectMachineName SubjectUserName SubjectUserSid TargetAccount TargetDomainName " +
		"TargetInfo TargetLinkedLogonId TargetLogonGuid TargetLogonId TargetOutboundDomainName TargetOutboundUserName TargetServerName TargetSid TargetUser TargetUserName TargetUserSid " +
		"TemplateContent TemplateDSObjectFQDN TemplateInternalName TokenElevationType TransmittedServices UserAccountControl UserParameters UserPrincipalName UserWorkstations VirtualAccount " +
		"WorkstationName ClientAddress ClientName FailureReason PreAuthType TicketEncryptionType TicketOptions PartitionKey ObjectValueName OldValue NewValue OperationType Workstation" + StandardColumns,
	"SigninLogs": "TimeGenerated:t OperationName OperationVersion Category ResultType ResultSignature ResultDescription DurationMs:l CorrelationId Resource ResourceGroup ResourceProvider Identity Level Location " +
		"AlternateSignInName AppDisplayName AppId AuthenticationContextClassReferences AuthenticationDetails AuthenticationMethodsUsed AuthenticationProcessingDetails AuthenticationProtocol " +
		"AuthenticationRequirement AuthenticationRequirementPolicies AutonomousSystemNumber:i ClientAppUsed ConditionalAccessPolicies:d ConditionalAccessStatus CreatedDateTime:t CrossTenantAccessType " +
		"DeviceDetail:d HomeTenantId IPAddress Id IsInteractive:b IsRisky:b LocationDetails:d MfaDetail:d NetworkLocationDetails OriginalRequestId ProcessingTimeInMilliseconds RiskDetail " +
		"RiskEventTypes RiskEventTypes_V2 RiskLevel RiskLevelAggregated RiskLevelDuringSignIn RiskState ResourceDisplayName ResourceId ResourceIdentity ServicePrincipalId ServicePrincipalName " +
		"Status:d TokenIssuerName TokenIssuerType UserAgent UserDisplayName UserId UserPrincipalName UserType ResourceTenantId SessionLifetimePolicies AppliedEventListeners" + StandardColumns,
	"AADNonInteractiveUserSignInLogs": "TimeGenerated:t OperationName OperationVersion Category ResultType ResultSignature ResultDescription DurationMs:l CorrelationId ResourceGroup Identity Level Location " +
		"AlternateSignInName AppDisplayName AppId AuthenticationContextClassReferences AuthenticationDetails AuthenticationProcessingDetails AuthenticationRequirement AutonomousSystemNumber " +
		"ClientAppUsed ConditionalAccessPolicies ConditionalAccessStatus CreatedDateTime:t DeviceDetail HomeTenantId IPAddress Id IsInteractive:b IsRisky:b LocationDetails MfaDetail " +
		"NetworkLocationDetails OriginalRequestId ProcessingTimeInMs ResourceDisplayName ResourceIdentity RiskDetail RiskEventTypes RiskEventTypes_V2 RiskLevelAggregated RiskLevelDuringSignIn " +
		"RiskState ServicePrincipalId ServicePrincipalName Status TokenIssuerName TokenIssuerType UserAgent UserDisplayName UserId UserPrincipalName UserType ResourceTenantId" + StandardColumns,
	"AADServicePrincipalSignInLogs": "TimeGenerated:t OperationName Category ResultType ResultSignature ResultDescription DurationMs:l CorrelationId ResourceGroup Identity Level Location AppId " +
		"AuthenticationProcessingDetails ConditionalAccessPolicies ConditionalAccessStatus IPAddress Id LocationDetails ResourceDisplayName ResourceIdentity ServicePrincipalCredentialKeyId " +
		"ServicePrincipalId ServicePrincipalName" + StandardColumns,
	"AADManagedIdentitySignInLogs": "TimeGenerated:t OperationName Category ResultType ResultSignature ResultDescription DurationMs:l CorrelationId ResourceGroup Identity Level Location AppId " +
		"IPAddress Id LocationDetails ResourceDisplayName ResourceIdentity ServicePrincipalId ServicePrincipalName" + StandardColumns,
	"AuditLogs": "TimeGenerated:t ResourceId OperationName OperationVersion Category ResultType ResultSignature ResultDescription DurationMs:l CorrelationId Resource ResourceGroup ResourceProvider " +
		"Identity Level Location AdditionalDetails:d Id InitiatedBy:d LoggedByService Result ResultReason TargetResources:d AADTenantId ActivityDisplayName ActivityDateTime:t AADOperationType" + StandardColumns,
	"Syslog": "TimeGenerated:t SourceComputerId Computer EventTime:t Facility HostName SeverityLevel SyslogMessage ProcessID:i HostIP ProcessName MG SourceSystem CollectorHostName" + " TenantId Type _ResourceId _ItemId",
	"CommonSecurityLog": "TimeGenerated:t DeviceVendor DeviceProduct DeviceVersion DeviceEventClassID Activity LogSeverity OriginalLogSeverity AdditionalExtensions DeviceAction ApplicationProtocol " +
		"EventCount:i DestinationDnsDomain DestinationServiceName DestinationTranslatedAddress DestinationTranslatedPort:i CommunicationDirection DeviceDnsDomain DeviceExternalID DeviceFacility " +
		"DeviceInboundInterface DeviceNtDomain DeviceOutboundInterface DevicePayloadId ProcessName DeviceTranslatedAddress DestinationHostName DestinationMACAddress DestinationNTDomain " +
		"DestinationProcessId:i DestinationUserPrivileges DestinationProcessName DestinationPort:i DestinationIP DeviceTimeZone DestinationUserID DestinationUserName DeviceAddress DeviceName " +
		"DeviceMacAddress ProcessID:i EndTime:t ExternalID:i ExtID FileCreateTime FileHash FileID FileModificationTime FilePath FilePermission FileType FileName FileSize:i Message " +
		"OldFileCreateTime OldFileHash OldFileID OldFileModificationTime OldFileName OldFilePath OldFilePermission OldFileSize:i OldFileType ReceivedBytes:l ReceiptTime Protocol RequestURL " +
		"RequestClientApplication RequestContext RequestCookies RequestMethod SentBytes:l SourceHostName SourceMACAddress SourceNTDomain SourceDnsDomain SourceServiceName SourceTranslatedAddress " +
		"SourceTranslatedPort:i SourceProcessId:i SourceUserPrivileges SourceProcessName SourcePort:i SourceIP SourceUserID SourceUserName StartTime:t EventOutcome SimplifiedDeviceAction " +
		"FieldDeviceCustomNumber1:l FieldDeviceCustomNumber2:l FieldDeviceCustomNumber3:l DeviceCustomNumber1:i DeviceCustomNumber1Label DeviceCustomNumber2:i DeviceCustomNumber2Label " +
		"DeviceCustomNumber3:i DeviceCustomNumber3Label DeviceCustomString1 DeviceCustomString1Label DeviceCustomString2 DeviceCustomString2Label DeviceCustomString3 DeviceCustomString3Label " +
		"DeviceCustomString4 DeviceCustomString4Label DeviceCustomString5 DeviceCustomString5Label DeviceCustomString6 DeviceCustomString6Label DeviceCustomDate1 DeviceCustomDate1Label " +
		"DeviceCustomDate2 DeviceCustomDate2Label DeviceCustomIPv6Address1 DeviceCustomIPv6Address1Label DeviceCustomIPv6Address2 DeviceCustomIPv6Address2Label DeviceCustomIPv6Address3 " +
		"DeviceCustomIPv6Address3Label DeviceCustomIPv6Address4 DeviceCustomIPv6Address4Label DeviceCustomFloatingPoint1:r DeviceCustomFloatingPoint1Label Computer IndicatorThreatType " +
		"MaliciousIP MaliciousIPCountry MaliciousIPLatitude:r MaliciousIPLongitude:r ReportReferenceLink ThreatConfidence ThreatDescription ThreatSeverity:i Reason FlexString1 FlexString1Label " +
		"FlexString2 FlexString2Label FlexNumber1:i FlexNumber1Label FlexNumber2:i FlexNumber2Label RemoteIP RemotePort LocalIP LocalPort CollectorHostName" + StandardColumns,
	"SecurityAlert": "TimeGenerated:t DisplayName AlertName AlertSeverity Description ProviderName VendorName VendorOriginalId SystemAlertId ResourceId SourceComputerId AlertType ConfidenceLevel " +
		"ConfidenceScore:r IsIncident:b StartTime:t EndTime:t ProcessingEndTime:t RemediationSteps ExtendedProperties Entities AlertLink CompromisedEntity Tactics Techniques SubTechniques " +
		"Status WorkspaceSubscriptionId WorkspaceResourceGroup ExtendedLinks ProductName ProductComponentName" + StandardColumns,
	"SecurityIncident": "TimeGenerated:t IncidentName Title Description Severity Status Classification ClassificationComment ClassificationReason Owner:d ProviderName ProviderIncidentId " +
		"FirstActivityTime:t LastActivityTime:t FirstModifiedTime:t LastModifiedTime:t CreatedTime:t ClosedTime:t IncidentNumber:i RelatedAnalyticRuleIds:d AlertIds:d BookmarkIds:d " +
		"Comments:d Tasks:d Labels:d IncidentUrl AdditionalData:d ModifiedBy SourceSystem" + " TenantId Type",
	"OfficeActivity": "TimeGenerated:t Application UserDomain UserAgent RecordType Operation OrganizationId OrganizationId_ UserType UserKey OfficeWorkload ResultStatus ResultReasonType " +
		"OfficeObjectId UserId UserId_ ClientIP ClientIP_ Scope Site_ ItemType EventSource Source_Name MachineDomainInfo MachineId Site_Url SourceRelativeUrl SourceFileName " +
		"SourceFileExtension DestinationRelativeUrl DestinationFileName DestinationFileExtension UserSharedWith SharingType CustomEvent Event_Data ModifiedObjectResolvedName " +
		"Parameters ExternalAccess:b OriginatingServer OrganizationName Logon_Type InternalLogonType:i MailboxGuid MailboxOwnerUPN MailboxOwnerSid MailboxOwnerMasterAccountSid " +
		"LogonUserSid LogonUserDisplayName ClientInfoString Client_IPAddress ClientMachineName ClientProcessName ClientVersion Folder CrossMailboxOperations:b DestMailboxId " +
		"DestMailboxOwnerUPN DestMailboxOwnerSid DestMailboxOwnerMasterAccountSid DestFolder Folders AffectedItems Item SendAsUserSmtp SendAsUserMailboxGuid SendOnBehalfOfUserSmtp " +
		"SendOnBehalfOfUserMailboxGuid ExtendedProperties ModifiedProperties:d Members:d TargetUserOrGroupName TargetUserOrGroupType TeamName TeamGuid ChannelType ChannelName ChannelGuid " +
		"AddOnName AddonType AzureADAppId AppDistributionMode Activity OfficeId SourceRecordId OfficeTenantId ElevationTime:t ElevationApprover ElevationApprovedTime:t ElevationRequestId " +
		"ElevationRole ElevationDuration:i GenericInfo DataCenterSecurityEventType:i ActorContextId ActorIpAddress InterSystemsId IntraSystemId SupportTicketId TargetContextId " +
		"Start_Time:t ApplicationId RecordTypeNum:i" + StandardColumns,
	"AzureActivity": "TimeGenerated:t OperationName OperationNameValue Level ActivityStatus ActivityStatusValue ActivitySubstatus ActivitySubstatusValue ResourceGroup SubscriptionId " +
		"CorrelationId Caller CallerIpAddress Category CategoryValue HTTPRequest Properties Properties_d:d EventSubmissionTimestamp:t Authorization Authorization_d:d ResourceId " +
		"ResourceProvider ResourceProviderValue Resource EventDataId Hierarchy Claims Claims_d:d OperationId" + StandardColumns,
	"AzureDiagnostics": "TimeGenerated:t ResourceId Category ResourceGroup SubscriptionId ResourceProvider Resource ResourceType OperationName ResultType CorrelationId ResultDescription " +
		"Tenant_g Tenant_s TenantId_g CallerIPAddress DurationMs:l Level OperationVersion Message clientIp_s clientIP_s host_s hostname_s requestUri_s ruleName_s action_s Message " +
		"transactionId_g details_message_s details_data_s userAgent_s httpStatus_d:r httpMethod_s originalHost_s originalRequestUriWithArgs_s policyMode_s policy_s ruleSetType_s ruleSetVersion_s " +
		"requestQuery_s serverRouted_s sslEnabled_s ruleId_s ruleGroup_s site_s instanceId_s timeStamp_t:t msg_s Protocol_s SourceIP DestinationIP Action " +
		"clientIpAddress_s identity_claim_upn_s identity_claim_oid_g identity_claim_ipaddr_s requestResourceType_s requestResourceId_s statusCode_s listenerName_s backendPoolName_s " +
		"ruleSetVersion_s details_file_s details_line_s OperationName CallerIpAddress id_s properties_s:d" + StandardColumns,
	"Heartbeat": "TimeGenerated:t MG ManagementGroupName SourceComputerId ComputerIP Computer Category OSType OSName OSMajorVersion OSMinorVersion Version SCAgentChannel IsGatewayInstalled:b " +
		"RemoteIPLongitude:r RemoteIPLatitude:r RemoteIPCountry SubscriptionId ResourceGroup ResourceProvider Resource ResourceId ResourceType ComputerEnvironment Solutions VMUUID ComputerPrivateIPs:d" + StandardColumns,
	"Event":        "TimeGenerated:t Source EventLog Computer EventLevel:i EventLevelName ParameterXml EventData RenderedDescription AzureDeploymentID Role EventCategory:i UserName Message MG ManagementGroupName EventID:i" + StandardColumns,
	"DnsEvents":    "TimeGenerated:t EventId:i Computer SubType ClientIP Name IPAddresses QueryType QueryTypeName ResultCode:i ResultCodeName Result Confidence Severity:i Message IndicatorThreatType Description MaliciousIP RemoteIPCountry RemoteIPLongitude:r RemoteIPLatitude:r TaskCategory" + StandardColumns,
	"DnsInventory": "TimeGenerated:t Computer SubType DomainName DnsServerIP IPAddresses ZoneName ZoneType" + StandardColumns,
	"W3CIISLog": "TimeGenerated:t Computer sSiteName sComputerName sIP csMethod csUriStem csUriQuery sPort:i csUserName cIP csVersion csUserAgent csCookie csReferer csHost scStatus scSubStatus scWin32Status " +
		"scBytes:l csBytes:l TimeTaken:l FileUri FileOffset:l RemoteIPCountry RemoteIPLatitude:r RemoteIPLongitude:r MaliciousIP IndicatorThreatType Description Confidence Severity:i LogLevel Date Time ManagementGroupName SourceComputerId" + StandardColumns,
	"ThreatIntelligenceIndicator": "TimeGenerated:t SourceSystem Action ActivityGroupNames AdditionalInformation ApplicationId AzureTenantId ConfidenceScore:r Description DomainName EmailEncoding EmailLanguage " +
		"EmailRecipient EmailSenderAddress EmailSenderName EmailSourceDomain EmailSourceIpAddress EmailSubject EmailXMailer ExpirationDateTime:t ExternalIndicatorId FileCompileDateTime:t FileCreatedDateTime:t " +
		"FileHashType FileHashValue FileMutexName FileName FilePacker FilePath FileSize:i FileType IndicatorId IndicatorProvider KillChainActions:b KillChainC2:b KillChainDelivery:b KillChainExploitation:b " +
		"KillChainReconnaissance:b KillChainWeaponization:b KnownFalsePositives MalwareNames NetworkCidrBlock NetworkDestinationAsn:i NetworkDestinationCidrBlock NetworkDestinationIP NetworkDestinationPort:i " +
		"NetworkIP NetworkPort:i NetworkProtocol:i NetworkSourceAsn:i NetworkSourceCidrBlock NetworkSourceIP NetworkSourcePort:i PassiveOnly:b ThreatSeverity:i ThreatType TrafficLightProtocolLevel Url UserAgent Active:b Tags Type TenantId",
	"DeviceProcessEvents": mdeCommon + " FileName FolderPath SHA1 SHA256 MD5 FileSize:l ProcessVersionInfoCompanyName ProcessVersionInfoProductName ProcessVersionInfoProductVersion ProcessVersionInfoInternalFileName " +
		"ProcessVersionInfoOriginalFileName ProcessVersionInfoFileDescription ProcessId:l ProcessCommandLine ProcessIntegrityLevel ProcessTokenElevation ProcessCreationTime:t AccountDomain AccountName AccountSid " +
		"AccountObjectId AccountUpn LogonId:l" + mdeInitiating,
	"DeviceNetworkEvents": mdeCommon + " RemoteIP RemotePort:i RemoteUrl LocalIP LocalPort:i Protocol LocalIPType RemoteIPType" + mdeInitiating,
	"DeviceFileEvents": mdeCommon + " FileName FolderPath SHA1 SHA256 MD5 FileOriginUrl FileOriginReferrerUrl FileOriginIP PreviousFolderPath PreviousFileName FileSize:l IsAzureInfoProtectionApplied:b " +
		"SensitivityLabel SensitivitySubLabel ShareName RequestProtocol RequestSourceIP RequestSourcePort:i RequestAccountName RequestAccountDomain RequestAccountSid" + mdeInitiating,
	"DeviceLogonEvents":    mdeCommon + " LogonType AccountDomain AccountName AccountSid Protocol FailureReason IsLocalAdmin:b LogonId:l RemoteDeviceName RemoteIP RemoteIPType RemotePort:i" + mdeInitiating,
	"DeviceRegistryEvents": mdeCommon + " RegistryKey RegistryValueType RegistryValueName RegistryValueData PreviousRegistryKey PreviousRegistryValueName PreviousRegistryValueData" + mdeInitiating,
	"DeviceEvents": mdeCommon + " FileName FolderPath SHA1 SHA256 MD5 FileSize:l AccountDomain AccountName AccountSid RemoteUrl ProcessId:l ProcessCommandLine ProcessCreationTime:t ProcessTokenElevation " +
		"LogonId:l RegistryKey RegistryValueName RegistryValueData RemoteDeviceName RemoteIP RemotePort:i LocalIP LocalPort:i FileOriginUrl FileOriginIP AdditionalFields:d" + mdeInitiating,
	"DeviceImageLoadEvents": mdeCommon + " FileName FolderPath SHA1 SHA256 MD5 FileSize:l" + mdeInitiating,
	"DeviceInfo":            mdeCommon + " ClientVersion PublicIP OSArchitecture OSPlatform OSBuild:l IsAzureADJoined:b JoinType AadDeviceId LoggedOnUsers:d RegistryDeviceTag OSVersion MachineGroup OnboardingStatus DeviceCategory DeviceType",
	"DeviceNetworkInfo":     mdeCommon + " NetworkAdapterName MacAddress NetworkAdapterType NetworkAdapterStatus TunnelType ConnectedNetworks:d DnsAddresses:d IPv4Dhcp IPv6Dhcp DefaultGateways:d IPAddresses:d",
	"EmailEvents": "TimeGenerated:t Timestamp:t NetworkMessageId InternetMessageId SenderMailFromAddress SenderFromAddress SenderDisplayName SenderObjectId SenderMailFromDomain SenderFromDomain SenderIPv4 SenderIPv6 " +
		"RecipientEmailAddress RecipientObjectId Subject EmailClusterId:l EmailDirection DeliveryAction DeliveryLocation ThreatTypes ThreatNames DetectionMethods ConfidenceLevel BulkComplaintLevel:i " +
		"EmailAction EmailActionPolicy EmailActionPolicyGuid AuthenticationDetails AttachmentCount:i UrlCount:i EmailLanguage Connectors OrgLevelAction OrgLevelPolicy UserLevelAction UserLevelPolicy ReportId" + " TenantId Type SourceSystem",
	"EmailAttachmentInfo": "TimeGenerated:t Timestamp:t NetworkMessageId SenderFromAddress SenderDisplayName SenderObjectId RecipientEmailAddress RecipientObjectId FileName FileType SHA256 FileSize:l ThreatTypes ThreatNames DetectionMethods ReportId" + " TenantId Type SourceSystem",
	"EmailUrlInfo":        "TimeGenerated:t Timestamp:t NetworkMessageId Url UrlDomain UrlLocation ReportId" + " TenantId Type SourceSystem",
	"IdentityLogonEvents": "TimeGenerated:t Timestamp:t ActionType Application LogonType Protocol FailureReason AccountName AccountDomain AccountUpn AccountSid AccountObjectId AccountDisplayName DeviceName DeviceType " +
		"OSPlatform IPAddress Port:i DestinationDeviceName DestinationIPAddress DestinationPort:i TargetDeviceName TargetAccountDisplayName Location ISP ReportId AdditionalFields:d" + " TenantId Type SourceSystem",
	"IdentityInfo": "TimeGenerated:t AccountObjectId AccountName AccountDomain AccountUPN AccountDisplayName AccountSID AccountTenantId GivenName Surname Department JobTitle MailAddress Manager City Country " +
		"IsAccountEnabled:b AssignedRoles:d GroupMembership:d UserType OnPremisesDistinguishedName Tags:d" + StandardColumns,
	"BehaviorAnalytics": "TimeGenerated:t SourceRecordId UserName UserPrincipalName UserType EventSource ActionType ActivityType ActivityInsights:d DevicesInsights:d UsersInsights:d InvestigationPriority:i " +
		"SourceIPAddress SourceIPLocation SourceDevice DestinationIPAddress DestinationIPLocation DestinationDevice EventVendor EventProductVersion" + StandardColumns,
	"VMConnection": "TimeGenerated:t Computer Direction ProcessName SourceIp DestinationIp DestinationPort:i Protocol RemoteIp RemoteCountry RemoteLatitude:r RemoteLongitude:r MaliciousIp IndicatorThreatType " +
		"Description TLPLevel Confidence:i Severity:i FirstReportedDateTime LastReportedDateTime IsActive ReportReferenceLink AdditionalInformation LinksEstablished:l LinksTerminated:l LinksLive:l LinksFailed:l " +
		"RemoteDnsCanonicalNames RemoteDnsQuestions RemoteClassification SourcePort:i BytesSent:l BytesReceived:l Responses:l ResponseTimeMax:l ResponseTimeMin:l ResponseTimeSum:l AgentId Machine Process ConnectionId" + StandardColumns,
	"SecurityBaseline":  "TimeGenerated:t Computer BaselineId BaselineType OSName CceId BaselineRuleId RuleSeverity Description RuleType ActualResult ExpectedResult AnalyzeResult AnalyzeOperation SourceComputerId" + StandardColumns,
	"Update":            "TimeGenerated:t Computer Title UpdateState Classification KBID Product MSRCSeverity Optional:b ResourceId SourceComputerId" + StandardColumns,
	"SecurityDetection": "TimeGenerated:t Computer AlertSeverity AlertTitle Description AccountsSeen CommandLine ProcessName ParentProcess ServiceName FileHash ExtendedProperties DetectionID" + StandardColumns,
	"WindowsFirewall": "TimeGenerated:t Computer FirewallAction Direction SourceIP DestinationIP SourcePort:i DestinationPort:i Protocol FullDestinationAddress CommunicationDirection RemoteIP MaliciousIP " +
		"IndicatorThreatType Description Confidence Severity:i RemoteIPCountry RemoteIPLatitude:r RemoteIPLongitude:r FirewallActionPolicy" + StandardColumns,
	"AzureNetworkAnalytics_CL": "TimeGenerated:t FlowType_s SrcIP_s DestIP_s DestPort_d:r L4Protocol_s L7Protocol_s FlowDirection_s FlowStatus_s AllowedInFlows_d:r AllowedOutFlows_d:r DeniedInFlows_d:r " +
		"DeniedOutFlows_d:r PublicIPs_s SrcPublicIPs_s DestPublicIPs_s NSGRule_s NSGList_s Subnet1_s Subnet2_s VM_s VM1_s VM2_s Country_s Region_s SubType_s InboundBytes_d:r OutboundBytes_d:r " +
		"FlowStartTime_t:t FlowEndTime_t:t ConnectionType_s Subscription1_g Subscription2_g Region1_s Region2_s" + StandardColumns,
	"AWSCloudTrail": "TimeGenerated:t EventVersion EventSource EventTypeName EventName AWSRegion SourceIpAddress UserAgent ErrorCode ErrorMessage RequestParameters ResponseElements Resources " +
		"AdditionalEventData APIVersion ManagementEvent:b ReadOnly:b RecipientAccountId SharedEventId VpcEndpointId AwsEventId AwsRequestId AwsRequestId_ UserIdentityType UserIdentityPrincipalid " +
		"UserIdentityArn UserIdentityAccountId UserIdentityAccessKeyId UserIdentityUserName UserIdentityInvokedBy SessionMfaAuthenticated:b SessionCreationDate:t SessionIssuerType " +
		"SessionIssuerPrincipalId SessionIssuerArn SessionIssuerAccountId SessionIssuerUserName Category EventSource" + StandardColumns,
	"McasShadowItReporting":  "TimeGenerated:t StreamName TotalEvents:l BlockedEvents:l UploadedBytes:l TotalBytes:l DownloadedBytes:l IpAddress UserName EnrichedUserName AppName AppId:i AppCategory AppScore:i AppInstance:i AppTags:d" + StandardColumns,
	"ProtectionStatus":       "TimeGenerated:t Computer ProtectionStatusRank:i ProtectionStatus ProtectionStatusDetails ThreatStatusRank:i ThreatStatus ThreatStatusDetails ScanDate:t SourceComputerId" + StandardColumns,
	"SecurityRecommendation": "TimeGenerated:t Computer RecommendationName RecommendationState RecommendationSeverity Description RecommendationLink" + StandardColumns,
	"Watchlist":              "TimeGenerated:t WatchlistId WatchlistName WatchlistAlias SearchKey WatchlistItem:d WatchlistItemId CreatedBy:d UpdatedBy:d LastUpdatedTimeUTC:t CreatedTimeUTC:t _DTItemId SearchKey" + StandardColumns,
	"Anomalies": "TimeGenerated:t Id WorkspaceId VendorName AnomalyTemplateId AnomalyTemplateName AnomalyTemplateVersion RuleId RuleStatus RuleName RuleConfigVersion Score:r Description StartTime:t EndTime:t " +
		"ExtendedLinks:d Tactics Techniques UserName UserPrincipalName SourceIpAddress SourceLocation:d SourceDevice DestinationIpAddress DestinationLocation:d DestinationDevice ActivityInsights:d DeviceInsights:d UserInsights:d AnomalyReasons:d Entities:d" + StandardColumns,
	"HuntingBookmark":    "TimeGenerated:t BookmarkId BookmarkName CreatedBy:d CreatedTime:t EventTime:t Entities:d Notes QueryText QueryResultRow BookmarkType SoftDeleted:b Tags LastUpdatedTime:t UpdatedBy:d IncidentInfo:d" + StandardColumns,
	"AppServiceHTTPLogs": "TimeGenerated:t Category CsMethod CsUriStem SPort CIp UserAgent CsHost ScStatus:l ScSubStatus ScBytes:l CsBytes:l TimeTaken:l Result CsUriQuery Referer CsUsername Cookie ComputerName" + StandardColumns,
	"StorageBlobLogs":    "TimeGenerated:t AccountName Location Protocol OperationName AuthenticationType StatusCode StatusText DurationMs:l ServerLatencyMs:l Uri CallerIpAddress CorrelationId UserAgentHeader ObjectKey RequesterUpn RequesterObjectId" + StandardColumns,
	"Perf":               "TimeGenerated:t Computer ObjectName CounterName InstanceName CounterValue:r CounterPath SourceComputerId" + StandardColumns,
	"ConfigurationChange": "TimeGenerated:t Computer ConfigChangeType ChangeCategory SoftwareType SoftwareName Publisher Previous Current SvcChangeType SvcName SvcDisplayName SvcState SvcPreviousState SvcStartupType " +
		"SvcPreviousStartupType SvcAccount SvcPath SvcPreviousPath SvcDescription FileSystemPath FieldsChanged DateModified:t DateCreated:t FileContentChecksum Size:l SizeChanged:l RegistryKey ValueName ValueData ValueType" + StandardColumns,
	"WireData": "TimeGenerated:t Computer Direction ProcessName ProcessID:i SessionState LocalIP LocalSubnet LocalPortNumber:i LocalMAC RemoteIP RemoteIPCountry RemoteIPLatitude:r RemoteIPLongitude:r " +
		"RemotePortNumber:i RemoteMAC ReceivedBytes:l SentBytes:l TotalBytes:l ReceivedPackets:l SentPackets:l IPVersion ApplicationProtocol ProtocolName IPProtocol MaliciousIP IndicatorThreatType " +
		"Description Confidence Severity:i LatencyMilliseconds:i LatencySamplingTimeStamp:t SessionID SessionStartTime:t SessionEndTime:t ManagementGroupName SourceComputerId" + StandardColumns,
	"AzureDevOpsAuditing": "TimeGenerated:t ActorCUID ActorDisplayName ActorUPN ActorUserId ActivityId AuthenticationMechanism Area Category CategoryDisplayName CorrelationId Data:d Details Id IpAddress " +
		"OperationName ProjectId ProjectName ScopeDisplayName ScopeId ScopeType UserAgent" + StandardColumns,
	"LAQueryLogs": "TimeGenerated:t AADObjectId AADTenantId AADEmail AADClientId CorrelationId RequestClientApp QueryText RequestTarget RequestContext:d RequestContextFilters:d ResponseCode:i ResponseRowCount:i " +
		"ResponseDurationMs:r StatsCPUTimeMs:r StatsDataProcessedStart:t StatsDataProcessedEnd:t StatsDataProcessedKB:r StatsWorkspaceCount:i StatsRegionCount:i IsWorkspaceInFailover:b" + StandardColumns,
	"CiscoUmbrella_CL":    "TimeGenerated:t",
	"SecurityIoTRawEvent": "TimeGenerated:t AgentVersion AssociatedResourceId DeviceId EventDetails IoTRawEventId IsEmpty:b RawEventCategory RawEventName RawEventType TimeStamp:t" + StandardColumns,
}

const mdeCommon = "TimeGenerated:t Timestamp:t DeviceId DeviceName ActionType ReportId:l AppGuardContainerId MachineGroup SourceSystem TenantId Type"

const mdeInitiating = " InitiatingProcessAccountDomain InitiatingProcessAccountName InitiatingProcessAccountSid InitiatingProcessAccountUpn InitiatingProcessAccountObjectId " +
	"InitiatingProcessIntegrityLevel InitiatingProcessTokenElevation InitiatingProcessSHA1 InitiatingProcessSHA256 InitiatingProcessMD5 InitiatingProcessFileName InitiatingProcessFileSize:l " +
	"InitiatingProcessVersionInfoCompanyName InitiatingProcessVersionInfoProductName InitiatingProcessVersionInfoProductVersion InitiatingProcessVersionInfoInternalFileName " +
	"InitiatingProcessVersionInfoOriginalFileName InitiatingProcessVersionInfoFileDescription InitiatingProcessId:l InitiatingProcessCommandLine InitiatingProcessCreationTime:t " +
	"InitiatingProcessFolderPath InitiatingProcessParentId:l InitiatingProcessParentFileName InitiatingProcessParentCreationTime:t InitiatingProcessLogonId:l"
