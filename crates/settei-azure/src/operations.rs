//! The exact reads the Azure collectors make, each named by the
//! permission Azure checks for it (an RBAC action for Resource Manager, a
//! Graph permission for Microsoft Graph), with the one `api-version` each
//! Resource Manager resource type is read at.
//!
//! The client refuses anything not listed here before it is sent, and the
//! same list is the least-privilege role: one source of truth.

use settei_model::Provider;
use settei_provider::{ReadOperation, ReadPolicy};

/// Which API a read goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    /// Azure Resource Manager (`https://management.azure.com`).
    Arm,
    /// Microsoft Graph v1.0 (`https://graph.microsoft.com`).
    Graph,
}

impl Api {
    pub fn service(self) -> &'static str {
        match self {
            Api::Arm => "ARM",
            Api::Graph => "Graph",
        }
    }
}

/// One read: where it goes, what it is called and (ARM) its api-version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Read {
    pub api: Api,
    /// The RBAC action (`Microsoft.Storage/storageAccounts/read`) or, for
    /// Graph, the request (`GET /policies/authorizationPolicy`).
    pub name: &'static str,
    /// The permission it needs (the RBAC action itself, or a Graph
    /// application permission).
    pub permission: &'static str,
    /// ARM only: the `api-version` query parameter, pinned here and nowhere else.
    pub api_version: Option<&'static str>,
}

const fn arm(action: &'static str, api_version: &'static str) -> Read {
    Read {
        api: Api::Arm,
        name: action,
        permission: action,
        api_version: Some(api_version),
    }
}

pub const SUBSCRIPTIONS: Read = arm("Microsoft.Resources/subscriptions/read", "2022-12-01");
pub const STORAGE_ACCOUNTS: Read = arm("Microsoft.Storage/storageAccounts/read", "2025-08-01");
pub const BLOB_SERVICES: Read = arm(
    "Microsoft.Storage/storageAccounts/blobServices/read",
    "2025-08-01",
);
pub const NSGS: Read = arm("Microsoft.Network/networkSecurityGroups/read", "2024-07-01");
pub const VAULTS: Read = arm("Microsoft.KeyVault/vaults/read", "2025-05-01");
/// Diagnostic settings, of a resource or of the subscription's activity
/// log: no stable api-version exists for them.
pub const DIAGNOSTIC_SETTINGS: Read = arm(
    "Microsoft.Insights/diagnosticSettings/read",
    "2021-05-01-preview",
);
pub const PRICINGS: Read = arm("Microsoft.Security/pricings/read", "2024-01-01");
pub const ACTIVITY_LOG_ALERTS: Read =
    arm("Microsoft.Insights/activityLogAlerts/read", "2020-10-01");
pub const ROLE_DEFINITIONS: Read =
    arm("Microsoft.Authorization/roleDefinitions/read", "2022-04-01");
pub const SQL_SERVERS: Read = arm("Microsoft.Sql/servers/read", "2023-08-01");
pub const SQL_FIREWALL_RULES: Read = arm("Microsoft.Sql/servers/firewallRules/read", "2023-08-01");
pub const SQL_AUDITING: Read = arm("Microsoft.Sql/servers/auditingSettings/read", "2023-08-01");
pub const SQL_ADMINISTRATORS: Read = arm("Microsoft.Sql/servers/administrators/read", "2023-08-01");
pub const SQL_ENCRYPTION_PROTECTOR: Read = arm(
    "Microsoft.Sql/servers/encryptionProtector/read",
    "2023-08-01",
);
pub const VAULT_KEYS: Read = arm("Microsoft.KeyVault/vaults/keys/read", "2025-05-01");
/// Secret metadata through Resource Manager: ARM never returns a value.
pub const VAULT_SECRETS: Read = arm("Microsoft.KeyVault/vaults/secrets/read", "2025-05-01");
pub const SECURITY_CONTACTS: Read = arm(
    "Microsoft.Security/securityContacts/read",
    "2023-12-01-preview",
);
pub const WEB_SITES: Read = arm("Microsoft.Web/sites/read", "2025-05-01");
/// A site's `config/web` and `config/authsettingsV2` (the variant without
/// secrets; `config/authsettingsV2/list` and `config/list` are never called).
pub const WEB_CONFIG: Read = arm("Microsoft.Web/sites/config/read", "2025-05-01");
pub const DISKS: Read = arm("Microsoft.Compute/disks/read", "2025-01-02");
pub const VMS: Read = arm("Microsoft.Compute/virtualMachines/read", "2025-04-01");
pub const BASTIONS: Read = arm("Microsoft.Network/bastionHosts/read", "2024-07-01");
pub const NETWORK_WATCHERS: Read = arm("Microsoft.Network/networkWatchers/read", "2024-07-01");
pub const FLOW_LOGS: Read = arm(
    "Microsoft.Network/networkWatchers/flowLogs/read",
    "2024-07-01",
);
pub const AUTHORIZATION_POLICY: Read = Read {
    api: Api::Graph,
    name: "GET /policies/authorizationPolicy",
    permission: "Policy.Read.All",
    api_version: None,
};

const fn op(r: Read) -> ReadOperation {
    ReadOperation {
        service: match r.api {
            Api::Arm => "ARM",
            Api::Graph => "Graph",
        },
        operation: r.name,
        permission: r.permission,
    }
}

/// Every read, in one list (and the same list as the provider layer's
/// [`ReadOperation`]s).
macro_rules! reads {
    ($($read:ident),* $(,)?) => {
        pub const READS: &[Read] = &[$($read),*];
        const OPERATIONS: &[ReadOperation] = &[$(op($read)),*];
    };
}

reads!(
    SUBSCRIPTIONS,
    STORAGE_ACCOUNTS,
    BLOB_SERVICES,
    NSGS,
    VAULTS,
    DIAGNOSTIC_SETTINGS,
    PRICINGS,
    ACTIVITY_LOG_ALERTS,
    ROLE_DEFINITIONS,
    SQL_SERVERS,
    SQL_FIREWALL_RULES,
    SQL_AUDITING,
    SQL_ADMINISTRATORS,
    SQL_ENCRYPTION_PROTECTOR,
    VAULT_KEYS,
    VAULT_SECRETS,
    SECURITY_CONTACTS,
    WEB_SITES,
    WEB_CONFIG,
    DISKS,
    VMS,
    BASTIONS,
    NETWORK_WATCHERS,
    FLOW_LOGS,
    AUTHORIZATION_POLICY,
);

/// The Azure adapter's read-only policy.
pub const POLICY: ReadPolicy = ReadPolicy {
    provider: Provider::Azure,
    operations: OPERATIONS,
};

/// Operations that return secrets or grant access to data. None is on the
/// list above, and a test keeps it so: the client could never send them.
pub const SECRET_READS: &[&str] = &[
    "Microsoft.Storage/storageAccounts/listKeys/action",
    "Microsoft.Storage/storageAccounts/listAccountSas/action",
    "Microsoft.Storage/storageAccounts/listServiceSas/action",
    "Microsoft.ContainerService/managedClusters/listClusterAdminCredential/action",
    "Microsoft.ContainerService/managedClusters/listClusterUserCredential/action",
    "Microsoft.ContainerRegistry/registries/listCredentials/action",
    "Microsoft.Web/sites/config/list/action",
    "Microsoft.Web/sites/config/authsettingsV2/list/action",
    "Microsoft.Web/sites/publishxml/action",
    "Microsoft.KeyVault/vaults/secrets/getSecret/action",
    "Microsoft.DocumentDB/databaseAccounts/listKeys/action",
    "Microsoft.Sql/servers/administratorLogin/read",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_lists_every_read_once_and_no_secret_read() {
        assert_eq!(READS.len(), OPERATIONS.len());
        for (r, o) in READS.iter().zip(OPERATIONS) {
            assert_eq!((r.name, r.permission), (o.operation, o.permission));
            assert!(POLICY.allows(r.api.service(), r.name));
        }
        let mut names: Vec<_> = READS.iter().map(|r| r.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), READS.len(), "a read is listed twice");
        for s in SECRET_READS {
            assert!(!READS.iter().any(|r| r.permission == *s), "{s}");
        }
        for r in READS {
            // Every ARM read is a read action and carries its api-version.
            if r.api == Api::Arm {
                assert!(r.name.ends_with("/read"), "{}", r.name);
                assert!(r.api_version.is_some());
            }
        }
    }
}
