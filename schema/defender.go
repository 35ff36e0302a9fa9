package schema

// DefenderVersion names the version of the Microsoft Defender XDR advanced-hunting
// schema reference that the defender tables follow: the "Understand the advanced
// hunting schema" table list and each table's reference page as published in February
// 2026.
const DefenderVersion = "Defender XDR advanced hunting schema reference, 2026-02"

// defender holds the Microsoft Defender XDR advanced-hunting tables with the columns and
// types of their reference pages (string, datetime t, int i, long l, bool b, dynamic d,
// real r). Tables that Sentinel also stores (DeviceProcessEvents, ...) are merged with
// their Log Analytics form, whose extra columns (TimeGenerated, TenantId, ...) come first.
var defender = map[string]string{
	"AlertInfo": "Timestamp:t AlertId Title Category Severity ServiceSource DetectionSource AttackTechniques",
	"AlertEvidence": "Timestamp:t AlertId Title Categories AttackTechniques ServiceSource DetectionSource EntityType EvidenceRole EvidenceDirection FileName FolderPath SHA1 SHA256 " +
		"FileSize:l ThreatFamily RemoteIP RemoteUrl AccountName AccountDomain AccountSid AccountObjectId AccountUpn DeviceId DeviceName LocalIP NetworkMessageId EmailSubject " +
		"Application ApplicationId:i OAuthApplicationId ProcessCommandLine RegistryKey RegistryValueName RegistryValueData AdditionalFields Severity CloudResource CloudPlatform " +
		"ResourceType ResourceID SubscriptionId",
	"CloudAppEvents": "Timestamp:t ActionType Application ApplicationId:i AppInstanceId:i AccountObjectId AccountId AccountDisplayName IsAdminOperation:b DeviceType OSPlatform " +
		"IPAddress IsAnonymousProxy:b CountryCode City Isp UserAgent ActivityType ActivityObjects:d ObjectName ObjectType ObjectId ReportId AccountType IsExternalUser:b " +
		"IsImpersonated:b IPTags:d IPCategory UserAgentTags:d RawEventData:d AdditionalFields:d LastSeenForUser:d UncommonForUser:d AuditSource SessionData:d OAuthAppId",
	"IdentityQueryEvents": "Timestamp:t ActionType Application QueryType QueryTarget Query Protocol AccountName AccountDomain AccountUpn AccountSid AccountObjectId AccountDisplayName " +
		"DeviceName IPAddress Port:i DestinationDeviceName DestinationIPAddress DestinationPort:i TargetDeviceName TargetAccountUpn TargetAccountDisplayName Location ReportId AdditionalFields:d",
	"IdentityDirectoryEvents": "Timestamp:t ActionType Application TargetAccountUpn TargetAccountDisplayName TargetDeviceName DestinationDeviceName DestinationIPAddress DestinationPort:i " +
		"Protocol AccountName AccountDomain AccountUpn AccountSid AccountObjectId AccountDisplayName DeviceName IPAddress Port:i Location ISP ReportId AdditionalFields:d",
	"AADSpnSignInEventsBeta": "Timestamp:t Application ApplicationId IsManagedIdentity:b ErrorCode:i CorrelationId ServicePrincipalName ServicePrincipalId ResourceDisplayName ResourceId " +
		"ResourceTenantId IPAddress Country State City Latitude Longitude RequestId ReportId",
	"AADSignInEventsBeta": "Timestamp:t Application ApplicationId LogonType ErrorCode:i CorrelationId SessionId AccountDisplayName AccountObjectId AccountUpn IsExternalUser:i IsGuestUser:b " +
		"AlternateSignInName LastPasswordChangeTimestamp:t ResourceDisplayName ResourceId ResourceTenantId DeviceName AadDeviceId EntraIdDeviceId OSPlatform DeviceTrustType IsManaged:i " +
		"IsCompliant:i AuthenticationProcessingDetails AuthenticationRequirement TokenIssuerType:i RiskLevelAggregated:i RiskDetails:i RiskState:i UserAgent ClientAppUsed Browser " +
		"ConditionalAccessPolicies ConditionalAccessStatus:i IPAddress Country State City Latitude Longitude NetworkLocationDetails RequestId ReportId EndpointCall",
	"IdentityInfo": "Timestamp:t ReportId AccountObjectId AccountUpn OnPremSid AccountDisplayName AccountName AccountDomain CriticalityLevel:i Type DistinguishedName CloudSid GivenName " +
		"Surname Department JobTitle EmailAddress SipProxyAddress Address City Country IsAccountEnabled:b Manager Phone CreatedDateTime:t ChangeSource BlastRadius CompanyName " +
		"DeletedDateTime:t EmployeeId OtherMailAddresses:d RiskLevel RiskLevelDetails State Tags:d AssignedRoles:d PrivilegedEntraPimRoles:d TenantId SourceSystem OnPremObjectId " +
		"TenantMembershipType RiskStatus UserAccountControl IdentityEnvironment SourceProviders:d GroupMembership:d",
	"DeviceTvmSoftwareVulnerabilities": "DeviceId DeviceName OSPlatform OSVersion OSArchitecture SoftwareVendor SoftwareName SoftwareVersion CveId VulnerabilitySeverityLevel " +
		"RecommendedSecurityUpdate RecommendedSecurityUpdateId CveTags:d",
	"DeviceTvmSoftwareVulnerabilitiesKB": "CveId CvssScore IsExploitAvailable:b VulnerabilitySeverityLevel LastModifiedTime:t PublishedDate:t VulnerabilityDescription AffectedSoftware:d",
	"DeviceTvmSecureConfigurationAssessment": "DeviceId DeviceName OSPlatform Timestamp:t ConfigurationId ConfigurationCategory ConfigurationSubcategory ConfigurationImpact:r " +
		"IsCompliant:b IsApplicable:b Context:d IsExpectedUserImpact:b",
	"DeviceFileCertificateInfo": "Timestamp:t DeviceId DeviceName SHA1 IsSigned:b SignatureType Signer SignerHash Issuer IssuerHash CertificateSerialNumber CrlDistributionPointUrls " +
		"CertificateCreationTime:t CertificateExpirationTime:t CertificateCountersignatureTime:t IsTrusted:b IsRootSignerMicrosoft:b ReportId:l",
	"EmailPostDeliveryEvents": "Timestamp:t NetworkMessageId InternetMessageId Action ActionType ActionTrigger ActionResult RecipientEmailAddress DeliveryLocation ThreatTypes " +
		"DetectionMethods ReportId",
	"DeviceTvmSecureConfigurationAssessmentKB": "ConfigurationId ConfigurationImpact:r ConfigurationName ConfigurationDescription RiskDescription ConfigurationCategory " +
		"ConfigurationSubcategory ConfigurationBenchmarks:d Tags:d RemediationOptions",
	"DeviceTvmSoftwareInventory": "DeviceId DeviceName OSPlatform OSVersion OSArchitecture SoftwareVendor SoftwareName SoftwareVersion EndOfSupportStatus EndOfSupportDate:t ProductCodeCpe",
	"IdentityLogonEvents": "Timestamp:t ActionType Application LogonType Protocol FailureReason AccountName AccountDomain AccountUpn AccountSid AccountObjectId AccountDisplayName " +
		"DeviceName DeviceType OSPlatform IPAddress Port:i DestinationDeviceName DestinationIPAddress DestinationPort:i TargetDeviceName TargetAccountDisplayName Location Isp " +
		"ReportId AdditionalFields:d",
	"UrlClickEvents": "Timestamp:t Url ActionType AccountUpn Workload NetworkMessageId ThreatTypes DetectionMethods IPAddress IsClickedThrough:b UrlChain ReportId",
	"BehaviorInfo": "Timestamp:t BehaviorId ActionType Description Categories AttackTechniques ServiceSource DetectionSource DataSources DeviceId AccountUpn AccountObjectId " +
		"StartTime:t EndTime:t AdditionalFields Title",
	"BehaviorEntities": "Timestamp:t BehaviorId ActionType Categories ServiceSource DetectionSource DataSources EntityType EntityRole DetailedEntityRole FileName FolderPath SHA1 " +
		"SHA256 FileSize:l ThreatFamily RemoteIP RemoteUrl AccountName AccountDomain AccountSid AccountObjectId AccountUpn DeviceId DeviceName LocalIP NetworkMessageId " +
		"EmailSubject EmailClusterId Application ApplicationId:i OAuthApplicationId ProcessCommandLine RegistryKey RegistryValueName RegistryValueData AdditionalFields",
	"DeviceTvmInfoGathering":        "Timestamp:t LastSeenTime:t DeviceId DeviceName OSPlatform AdditionalFields:d",
	"DeviceTvmSoftwareEvidenceBeta": "DeviceId SoftwareVendor SoftwareName SoftwareVersion RegistryPaths:d DiskPaths:d LastSeenTime",
	"DeviceTvmInfoGatheringKB":      "IgId FieldName Description Categories:d DataStructure",
	"DeviceTvmHardwareFirmware":     "DeviceId DeviceName ComponentType Manufacturer ComponentName ComponentFamily ComponentVersion AdditionalFields:d",
	"DeviceTvmCertificateInfo":      "DeviceId Thumbprint Path SerialNumber IssuedTo:d IssuedBy:d FriendlyName SignatureAlgorithm KeySize ExpirationDate IssueDate SubjectType KeyUsage ExtendedKeyUsage",
	"DeviceTvmBrowserExtensions":    "DeviceId BrowserName ExtensionId ExtensionName ExtensionDescription ExtensionVersion ExtensionRisk ExtensionVendor IsActivated InstallationTime:t",
	"DeviceTvmBrowserExtensionsKB": "BrowserName ExtensionId ExtensionName ExtensionDescription ExtensionVersion:d ExtensionRisk PermissionId PermissionName PermissionDescription " +
		"PermissionRisk IsPermissionRequired",
	"OAuthAppInfo": "ReportId Timestamp:t OAuthAppId ServicePrincipalId AppName AddedOnTime:t LastModifiedTime:t AppStatus VerifiedPublisher:d PrivilegeLevel Permissions:d " +
		"ConsentedUsersCount:i IsAdminConsented:b AppOrigin LastUsedTime:t AppOwnerTenantId RiskScore:i AssignedRoles:d",
	"CampaignInfo": "Timestamp:t CampaignName CampaignId CampaignType CampaignSubtype NetworkMessageId RecipientEmailAddress ReportId",
	"MessageEvents": "Timestamp:t LastEditedTime TeamsMessageId SenderEmailAddress SenderDisplayName SenderObjectId SenderType RecipientDetails:d IsOwnedThread:b MessageId " +
		"ParentMessageId GroupId GroupName ThreadId ThreadSubtype IsExternalThread:b MessageFormatType MessageFormatSubtype MessageVersion MessageSubject ThreatTypes " +
		"DetectionMethods:d ConfidenceLevel:d DeliveryAction DeliveryLocation ReportId SafetyTip",
	"MessagePostDeliveryEvents": "Timestamp:t TeamsMessageId Action ActionType ActionTrigger ActionResult SenderEmailAddress RecipientDetails:d ThreatTypes ConfidenceLevel:d " +
		"DetectionMethods LatestDeliveryLocation ReportId IsExternalThread:b SafetyTip",
	"MessageUrlInfo":     "Timestamp:t TeamsMessageId Url UrlDomain ThreatTypes ReportId",
	"ExposureGraphEdges": "EdgeId EdgeLabel SourceNodeId SourceNodeName SourceNodeLabel SourceNodeCategories:d TargetNodeId TargetNodeName TargetNodeLabel TargetNodeCategories:d EdgeProperties:d",
	"ExposureGraphNodes": "NodeId NodeLabel NodeName Categories:d NodeProperties:d EntityIds:d",
	"IdentityEvents": "Timestamp:t ReportId AccountId AccountType AccountDisplayName AccountUpn ActionType ActionResult ActionFailureReason IPAddress UserAgent TargetObjects:d " +
		"Application ApplicationInstanceId ApplicationEventId ApplicationSessionId RawEventData:d AdditionalFields:d",
	"IdentityAccountInfo": "Timestamp:t ReportId SourceProviderAccountId AccountId IdentityId IsPrimary:b IdentityLinkType IdentityLinkReason IdentityLinkTime:t IdentityLinkBy " +
		"DisplayName AccountUpn EmailAddress CriticalityLevel:i DefenderRiskLevel:i DefenderRiskUpdateTime:t Type GivenName Surname EmployeeId Department JobTitle Address " +
		"City Country Phone Manager Sid AccountStatus SourceProvider SourceProviderInstanceId SourceProviderInstanceDisplayName AuthenticationMethod " +
		"AuthenticationSourceAcccountId EnrolledMfas:d LastPasswordChangeTime:t GroupMembership:d AssignedRoles:d EligibleRoles:d TenantMembershipType CreatedDateTime:t " +
		"DeletedDateTime:t Tags:d SourceProvderRiskLevel:d AdditionalFields:d TenantId",
	// the reference types Timestamp as string; it is a datetime in every other table and in queries
	"GraphApiAuditEvents": "IdentityProvider ApiVersion ApplicationId IPAddress ClientRequestId EntityType RequestUri AccountObjectId OperationId Location RequestDuration " +
		"RequestId RequestMethod Timestamp:t ResponseStatusCode Scopes UniqueTokenIdentifier TargetWorkload ServicePrincipalId ResponseSize:i",
	"EntraIdSpnSignInEvents": "Timestamp:t Application ApplicationId IsManagedIdentity:b ErrorCode:i CorrelationId ServicePrincipalName ServicePrincipalId ResourceDisplayName ResourceId " +
		"ResourceTenantId IPAddress Country State City Latitude Longitude RequestId ReportId",
	"EntraIdSignInEvents": "Timestamp:t Application ApplicationId LogonType ErrorCode:i CorrelationId SessionId AccountDisplayName AccountObjectId AccountUpn IsExternalUser:i IsGuestUser:b " +
		"AlternateSignInName LastPasswordChangeTimestamp:t ResourceDisplayName ResourceId ResourceTenantId DeviceName EntraIdDeviceId OSPlatform DeviceTrustType IsManaged:i " +
		"IsCompliant:i AuthenticationProcessingDetails AuthenticationRequirement TokenIssuerType:i RiskLevelAggregated:i RiskDetails:i RiskState:i UserAgent ClientAppUsed Browser " +
		"ConditionalAccessPolicies ConditionalAccessStatus:i IPAddress Country State City Latitude Longitude NetworkLocationDetails RequestId ReportId EndpointCall " +
		"IsThroughGlobalSecureAccess:b UniqueTokenId",
	// DataSources is documented as "array": a dynamic value
	"DisruptionAndResponseEvents": "Timestamp:t ActionType DeviceId SourceDeviceId TargetDeviceId TargetDeviceName TargetDomainName DeviceName DomainName InitiatingProcessId:i " +
		"InitiatingProcessFileName SourceUserSid SourceUserName SourceUserDomainName SourceIPAddress SourcePort:i IPAddress Port SourceDeviceName SourceDomainName " +
		"AuthenticationProtocol Service InterfaceUuidSourceDomainName InterfaceFriendlyName FileName ShareName LogonType LogonId:l SessionId:l CompromisedAccountCount:i " +
		"PolicyId PolicyName PolicyVersion PolicyHash DataSources:d IsPolicyOn:b ReportType",
	"CloudAuditEvents": "Timestamp:t ReportId DataSource ActionType OperationName ResourceId IPAddress IsAnonymousProxy:b CountryCode City Isp UserAgent RawEventData:d AdditionalFields:d",
	"CloudProcessEvents": "Timestamp:t AzureResourceId AwsResourceName GcpFullResourceName ContainerImageName KubernetesNamespace KubernetesPodName KubernetesResource ContainerName " +
		"ContainerId ActionType FileName FolderPath ProcessId:l ProcessName ParentProcessName ParentProcessId ProcessCommandLine ProcessCreationTime:t " +
		"ProcessCurrentWorkingDirectory AccountName LogonId:l InitiatingProcessId AdditionalFields",
	// enum columns are strings
	"DataSecurityBehaviors": "Timestamp:t BehaviorId ActionType StartTime:t EndTime:t AttackTechniques Categories ActionCategory Description ServiceSource DetectionSource " +
		"ActivityCount:i IsAnomalous:b IsContentHidden:b AccountUpn AccountEmail Application DeviceInfo:d SensitivityLabelInfo:d SensitiveInfoTypesInfo:d UrlDomainInfo:d " +
		"SharepointSiteInfo:d RecipientEmailInfo:d RemovableMediaInfo:d PrinterName:d PriorityContentMatchInfo:d",
	"DataSecurityEvents": "ApplicationNames DeviceId DeviceName AadDeviceId IsManagedDevice:b DlpPolicyMatchInfo DlpPolicyEnforcementMode:i DlpPolicyRuleMatchInfo:d FileRenameInfo " +
		"PhysicalAccessPointId PhysicalAccessPointName PhysicalAccessStatus PhysicalAssetTag RemovableMediaManufacturer RemovableMediaModel RemovableMediaSerialNumber " +
		"TeamsChannelName TeamsChannelType TeamsTeamName UserAlternateEmails AccountUpn AccountObjectId Department SourceCodeInfo CcPolicyMatchInfo:d IPAddress Timestamp:t " +
		"DeviceSourceLocationType:i DeviceDestinationLocationType:i IrmPolicyMatchInfo:d UnallowedUrlDomains ExternalUrlDomains UrlDomainInfo SourceUrlDomain TargetUrlDomain " +
		"EmailAttachmentCount:i EmailAttachmentInfo:d InternetMessageId NetworkMessageId EmailSubject ObjectId ObjectName ObjectType ObjectSize:i IsHidden:b ActivityId " +
		"ActionType SensitiveInfoTypeInfo:d SensitivityLabelId SharepointSiteSensitivityLabelIds PreviousSensitivityLabelId Operation RecipientEmailAddress SiteUrl " +
		"SourceRelativeUrl TargetFilePath PrinterName Workload IrmActionCategory SequenceCorrelationId CloudAppAlertId",
	"DeviceBaselineComplianceAssessment": "DeviceId DeviceName OSPlatform OSVersion ConfigurationId ProfileId IsCompliant:b IsApplicable:b Source:d RecommendedValue:d " +
		"CurrentValue:d IsExempt:b",
	"DeviceBaselineComplianceAssessmentKB": "ConfigurationId ConfigurationName ConfigurationDescription ConfigurationRationale ConfigurationCategory BenchmarkProfileLevels:d " +
		"CCEReference RemediationOptions ConfigurationBenchmark Source:d RecommendedValue:d",
	"DeviceBaselineComplianceProfiles": "ProfileId ProfileName ProfileDescription OSPlatform:d OSVersion BaseBenchmark BenchmarkVersion BenchmarkProfileLevel Status:b CreatedBy " +
		"CreatedOn:t LastUpdatedBy LastUpdatedOn:t",
	"FileMaliciousContentInfo": "Timestamp:t Workload FileName FolderPath FileSize:l SHA256 FileOwnerDisplayName FileOwnerUpn DocumentId ThreatTypes:d ThreatNames DetectionMethods " +
		"LastModifyingAccountUpn LastModifiedTime:t FileCreationTime:t ReportId",
	"AIAgentsInfo": "Timestamp:t AIAgentId AIAgentName AgentCreationTime:t CreatorAccountUpn OwnerAccountUpns LastModifiedByUpn LastModifiedTime:t LastPublishedTime:t " +
		"LastPublishedByUpn AgentDescription AgentStatus UserAuthenticationType AgentUsers KnowledgeDetails AgentActionTriggers RawAgentInfo AuthenticationTrigger " +
		"AccessControlPolicy AuthorizedSecurityGroupIds:d AgentTopicsDetails:d AgentToolsDetails:d EnvironmentId Platform",
	"CloudDnsEvents": "Timestamp:t ReportId ActionType AzureResourceId AwsResourceName GcpFullResourceName KubernetesResource KubernetesNamespace KubernetesPodName ContainerName " +
		"ContainerId ImageName ProcessName ProcessId:l DnsEventType DnsEventSubType DnsQuery DnsQueryTypeName DnsResponseCodeName DnsNetworkDuration:l TransactionIdHex " +
		"ImageDigest Region HostName AdditionalFields:d",
	// "object" columns are dynamic
	"CloudStorageAggregatedEvents": "DataAggregationStartTime:t DataAggregationEndTime:t DataSource SubscriptionId ResourceGroup StorageAccount StorageContainer StorageFileShare " +
		"ServiceType IpAddress UserAgentHeader OperationNamesList:d AuthenticationType AccountObjectId AccountTenantId:l AccountApplicationId AccountUpn AccountType:l " +
		"OperationsCount:i SuccessfulOperationsCount:i FailedOperationsCount:i FirstEventTimestamp:t LastEventTimestamp:t TotalResponseLength:i SuccessfulReadOperations:i " +
		"DistinctGetOperations:i AnonymousSuccessfulOperations:i HasAnonymousResourceNotFoundFailures:b CountryName CityName ProvinceName ClientSystemServiceName " +
		"ClientCloudPlatformName IsTorExitNode:b IsKnownSuspiciousIp:b IsPrivateIp:b SuspiciousUserAgentName HashReputationMd5List:d AzureResourceId Location Timestamp:t " +
		"ReportId ActionType AdditionalFields:d", "DeviceProcessEvents": "Timestamp:t DeviceId DeviceName ActionType FileName FolderPath SHA1 SHA256 MD5 FileSize:l ProcessVersionInfoCompanyName ProcessVersionInfoProductName " +
		"ProcessVersionInfoProductVersion ProcessVersionInfoInternalFileName ProcessVersionInfoOriginalFileName ProcessVersionInfoFileDescription ProcessId:l ProcessCommandLine " +
		"ProcessIntegrityLevel ProcessTokenElevation ProcessCreationTime:t AccountDomain AccountName AccountSid AccountUpn AccountObjectId LogonId:l" + xdrInitiating +
		" InitiatingProcessSignerType InitiatingProcessSignatureStatus ReportId:l AppGuardContainerId AdditionalFields",
	"DeviceNetworkEvents": "Timestamp:t DeviceId DeviceName ActionType RemoteIP RemotePort:i RemoteUrl LocalIP LocalPort:i Protocol LocalIPType RemoteIPType" + xdrInitiating +
		" ReportId:l AppGuardContainerId AdditionalFields" + xdrRemoteSession,
	"DeviceFileEvents": "Timestamp:t DeviceId DeviceName ActionType FileName FolderPath SHA1 SHA256 MD5 FileOriginUrl FileOriginReferrerUrl FileOriginIP PreviousFolderPath " +
		"PreviousFileName FileSize:l" + xdrInitiating + " RequestProtocol RequestSourceIP RequestSourcePort:i RequestAccountName RequestAccountDomain RequestAccountSid ShareName " +
		"SensitivityLabel SensitivitySubLabel IsAzureInfoProtectionApplied:b ReportId:l AppGuardContainerId AdditionalFields" + xdrRemoteSession,
	"DeviceEvents": "Timestamp:t DeviceId DeviceName ActionType FileName FolderPath SHA1 SHA256 MD5 FileSize:l AccountDomain AccountName AccountSid RemoteUrl RemoteDeviceName " +
		"ProcessId:l ProcessCommandLine ProcessCreationTime:t ProcessTokenElevation LogonId:l RegistryKey RegistryValueName RegistryValueData RemoteIP RemotePort:i LocalIP " +
		"LocalPort:i FileOriginUrl FileOriginIP" + xdrInitiating + " ReportId:l AppGuardContainerId AdditionalFields" + xdrRemoteSession +
		" CreatedProcessSessionId:l IsProcessRemoteSession:b ProcessRemoteSessionDeviceName ProcessRemoteSessionIP",
	"DeviceLogonEvents": "Timestamp:t DeviceId DeviceName ActionType LogonType AccountDomain AccountName AccountSid Protocol FailureReason IsLocalAdmin:b LogonId:l RemoteDeviceName " +
		"RemoteIP RemoteIPType RemotePort:i" + xdrInitiating + " ReportId:l AppGuardContainerId AdditionalFields" + xdrRemoteSession,
}

// xdrInitiating are the InitiatingProcess* columns of the Device* event tables.
const xdrInitiating = " InitiatingProcessAccountDomain InitiatingProcessAccountName InitiatingProcessAccountSid InitiatingProcessAccountUpn InitiatingProcessAccountObjectId " +
	"InitiatingProcessLogonId:l InitiatingProcessIntegrityLevel InitiatingProcessTokenElevation InitiatingProcessSHA1 InitiatingProcessSHA256 InitiatingProcessMD5 " +
	"InitiatingProcessFileName InitiatingProcessFileSize:l InitiatingProcessVersionInfoCompanyName InitiatingProcessVersionInfoProductName " +
	"InitiatingProcessVersionInfoProductVersion InitiatingProcessVersionInfoInternalFileName InitiatingProcessVersionInfoOriginalFileName " +
	"InitiatingProcessVersionInfoFileDescription InitiatingProcessId:l InitiatingProcessCommandLine InitiatingProcessCreationTime:t InitiatingProcessFolderPath " +
	"InitiatingProcessParentId:l InitiatingProcessParentFileName InitiatingProcessParentCreationTime:t"

// xdrRemoteSession are the columns describing an initiating process run over RDP.
const xdrRemoteSession = " InitiatingProcessSessionId:l IsInitiatingProcessRemoteSession:b InitiatingProcessRemoteSessionDeviceName InitiatingProcessRemoteSessionIP"
