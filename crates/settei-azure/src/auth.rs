//! Which credential a scan uses, and bearer tokens from it.
//!
//! Tokens come from `azure_identity`, Microsoft's identity crate. The
//! choice follows what Azure tools do, with one deliberate difference:
//! managed identity talks to the instance metadata address, so it is used
//! only when asked for (`--auth managed-identity`), never by default.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use azure_core::credentials::{Secret, TokenCredential};
use tokio::sync::Mutex;

use crate::AzureError;

/// `--auth`: how to sign in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthMethod {
    /// A service principal from `AZURE_TENANT_ID`, `AZURE_CLIENT_ID` and
    /// `AZURE_CLIENT_SECRET`.
    Env,
    /// The Azure CLI's signed-in account (`az account get-access-token`).
    Cli,
    /// Workload identity federation (`AZURE_FEDERATED_TOKEN_FILE`).
    WorkloadIdentity,
    /// The managed identity of the machine (instance metadata service).
    ManagedIdentity,
}

impl std::str::FromStr for AuthMethod {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "env" => AuthMethod::Env,
            "cli" => AuthMethod::Cli,
            "workload-identity" => AuthMethod::WorkloadIdentity,
            "managed-identity" => AuthMethod::ManagedIdentity,
            _ => {
                return Err(format!(
                    "unknown auth `{s}` (expected env, cli, workload-identity or managed-identity)"
                ))
            }
        })
    }
}

/// The credential chosen, with what it was chosen from (no secret value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Choice {
    ClientSecret { tenant: String, client_id: String },
    WorkloadIdentity { tenant: String, client_id: String },
    Cli { tenant: Option<String> },
    ManagedIdentity { client_id: Option<String> },
}

impl Choice {
    /// What the log says about it.
    pub fn describe(&self) -> String {
        match self {
            Choice::ClientSecret { tenant, client_id } => {
                format!("service principal {client_id} of tenant {tenant} (client secret)")
            }
            Choice::WorkloadIdentity { tenant, client_id } => {
                format!("workload identity {client_id} of tenant {tenant}")
            }
            Choice::Cli { .. } => "the Azure CLI's signed-in account".to_string(),
            Choice::ManagedIdentity { .. } => "the machine's managed identity".to_string(),
        }
    }
}

/// Chooses the credential from `--auth`, `--tenant` and the environment
/// (`env` reads one variable; empty values count as unset).
pub fn choose(
    method: Option<AuthMethod>,
    tenant: Option<&str>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Choice, AzureError> {
    let var = |k: &str| env(k).filter(|v| !v.trim().is_empty());
    let tenant_of = || {
        tenant
            .map(str::to_string)
            .or_else(|| var("AZURE_TENANT_ID"))
    };
    let service_principal = || -> Result<Choice, AzureError> {
        let missing: Vec<&str> = [
            ("AZURE_TENANT_ID", tenant_of().is_none()),
            ("AZURE_CLIENT_ID", var("AZURE_CLIENT_ID").is_none()),
        ]
        .into_iter()
        .filter_map(|(k, m)| m.then_some(k))
        .collect();
        if !missing.is_empty() {
            return Err(AzureError::Auth(format!(
                "--auth env needs {} (and AZURE_CLIENT_SECRET)",
                missing.join(" and ")
            )));
        }
        if var("AZURE_CLIENT_SECRET").is_none() {
            if var("AZURE_CLIENT_CERTIFICATE_PATH").is_some() {
                return Err(AzureError::Auth(
                    "AZURE_CLIENT_CERTIFICATE_PATH is set, but this build signs in with a client \
                     secret, workload identity, the Azure CLI or a managed identity; certificate \
                     credentials are not supported yet"
                        .into(),
                ));
            }
            return Err(AzureError::Auth(
                "--auth env needs AZURE_CLIENT_SECRET".into(),
            ));
        }
        Ok(Choice::ClientSecret {
            tenant: tenant_of().expect("checked"),
            client_id: var("AZURE_CLIENT_ID").expect("checked"),
        })
    };
    let workload = || -> Result<Choice, AzureError> {
        match (
            var("AZURE_FEDERATED_TOKEN_FILE"),
            tenant_of(),
            var("AZURE_CLIENT_ID"),
        ) {
            (Some(_), Some(tenant), Some(client_id)) => {
                Ok(Choice::WorkloadIdentity { tenant, client_id })
            }
            _ => Err(AzureError::Auth(
                "workload identity needs AZURE_FEDERATED_TOKEN_FILE, AZURE_CLIENT_ID and \
                 AZURE_TENANT_ID (or --tenant)"
                    .into(),
            )),
        }
    };
    match method {
        Some(AuthMethod::Env) => service_principal(),
        Some(AuthMethod::WorkloadIdentity) => workload(),
        Some(AuthMethod::Cli) => Ok(Choice::Cli {
            tenant: tenant.map(str::to_string),
        }),
        Some(AuthMethod::ManagedIdentity) => Ok(Choice::ManagedIdentity {
            client_id: var("AZURE_CLIENT_ID"),
        }),
        None => {
            let sp_vars = var("AZURE_CLIENT_ID").is_some()
                && tenant_of().is_some()
                && (var("AZURE_CLIENT_SECRET").is_some()
                    || var("AZURE_CLIENT_CERTIFICATE_PATH").is_some());
            if sp_vars {
                service_principal()
            } else if var("AZURE_FEDERATED_TOKEN_FILE").is_some() {
                workload()
            } else {
                Ok(Choice::Cli {
                    tenant: tenant.map(str::to_string),
                })
            }
        }
    }
}

/// Builds the credential. The secret is read from the environment here,
/// handed to the identity crate, and kept nowhere else.
pub(crate) fn credential(choice: &Choice) -> Result<Arc<dyn TokenCredential>, AzureError> {
    let err = |e: azure_core::Error| AzureError::Auth(e.to_string());
    Ok(match choice {
        Choice::ClientSecret { tenant, client_id } => {
            let secret = std::env::var("AZURE_CLIENT_SECRET").unwrap_or_default();
            azure_identity::ClientSecretCredential::new(
                tenant,
                client_id.clone(),
                Secret::new(secret),
                None,
            )
            .map_err(err)?
        }
        Choice::WorkloadIdentity { tenant, client_id } => {
            azure_identity::WorkloadIdentityCredential::new(Some(
                azure_identity::WorkloadIdentityCredentialOptions {
                    tenant_id: Some(tenant.clone()),
                    client_id: Some(client_id.clone()),
                    ..Default::default()
                },
            ))
            .map_err(err)?
        }
        Choice::Cli { tenant } => azure_identity::AzureCliCredential::new(Some(
            azure_identity::AzureCliCredentialOptions {
                tenant_id: tenant.clone(),
                ..Default::default()
            },
        ))
        .map_err(err)?,
        Choice::ManagedIdentity { client_id } => azure_identity::ManagedIdentityCredential::new(
            Some(azure_identity::ManagedIdentityCredentialOptions {
                user_assigned_id: client_id
                    .clone()
                    .map(azure_identity::UserAssignedId::ClientId),
                ..Default::default()
            }),
        )
        .map_err(err)?,
    })
}

/// Bearer tokens per scope, fetched once and renewed before they expire
/// (the CLI credential caches nothing itself).
pub(crate) struct Tokens {
    credential: Arc<dyn TokenCredential>,
    cache: Mutex<HashMap<&'static str, (Secret, SystemTime)>>,
}

/// Renew a token this long before it expires.
const EARLY: Duration = Duration::from_secs(300);

impl Tokens {
    pub(crate) fn new(credential: Arc<dyn TokenCredential>) -> Self {
        Tokens {
            credential,
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// A token for `scope` (`https://management.azure.com/.default`).
    pub(crate) async fn get(&self, scope: &'static str) -> Result<Secret, String> {
        let mut cache = self.cache.lock().await;
        if let Some((token, expires)) = cache.get(scope) {
            if SystemTime::now() + EARLY < *expires {
                return Ok(token.clone());
            }
        }
        let token = self
            .credential
            .get_token(&[scope], None)
            .await
            .map_err(|e| e.to_string())?;
        let secs = token.expires_on.unix_timestamp().max(0) as u64;
        let expires = UNIX_EPOCH + Duration::from_secs(secs);
        cache.insert(scope, (token.token.clone(), expires));
        Ok(token.token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| vars.get(k).cloned()
    }

    #[test]
    fn the_environment_chooses_the_credential() {
        let sp = env(&[
            ("AZURE_TENANT_ID", "t"),
            ("AZURE_CLIENT_ID", "c"),
            ("AZURE_CLIENT_SECRET", "s"),
        ]);
        assert_eq!(
            choose(None, None, &sp).unwrap(),
            Choice::ClientSecret {
                tenant: "t".into(),
                client_id: "c".into()
            }
        );
        // --tenant wins over the variable.
        assert_eq!(
            choose(None, Some("t2"), &sp).unwrap(),
            Choice::ClientSecret {
                tenant: "t2".into(),
                client_id: "c".into()
            }
        );
        let wi = env(&[
            ("AZURE_TENANT_ID", "t"),
            ("AZURE_CLIENT_ID", "c"),
            ("AZURE_FEDERATED_TOKEN_FILE", "/var/run/token"),
        ]);
        assert_eq!(
            choose(None, None, &wi).unwrap(),
            Choice::WorkloadIdentity {
                tenant: "t".into(),
                client_id: "c".into()
            }
        );
        // Nothing set: the Azure CLI, never the metadata service.
        assert_eq!(
            choose(None, None, &env(&[])).unwrap(),
            Choice::Cli { tenant: None }
        );
        // A client id alone (as on a VM with a user-assigned identity) is
        // not a reason to call the metadata service either.
        assert_eq!(
            choose(None, None, &env(&[("AZURE_CLIENT_ID", "c")])).unwrap(),
            Choice::Cli { tenant: None }
        );
        // Empty values are unset.
        assert_eq!(
            choose(
                None,
                None,
                &env(&[
                    ("AZURE_TENANT_ID", ""),
                    ("AZURE_CLIENT_ID", "c"),
                    ("AZURE_CLIENT_SECRET", "s")
                ])
            )
            .unwrap(),
            Choice::Cli { tenant: None }
        );
    }

    #[test]
    fn an_explicit_method_names_what_it_lacks() {
        let e = choose(
            Some(AuthMethod::Env),
            None,
            &env(&[("AZURE_CLIENT_ID", "c")]),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("AZURE_TENANT_ID"), "{e}");
        let e = choose(
            Some(AuthMethod::Env),
            Some("t"),
            &env(&[
                ("AZURE_CLIENT_ID", "c"),
                ("AZURE_CLIENT_CERTIFICATE_PATH", "/k.pem"),
            ]),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("certificate"), "{e}");
        let e = choose(Some(AuthMethod::WorkloadIdentity), None, &env(&[]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("AZURE_FEDERATED_TOKEN_FILE"), "{e}");
        assert_eq!(
            choose(Some(AuthMethod::ManagedIdentity), None, &env(&[])).unwrap(),
            Choice::ManagedIdentity { client_id: None }
        );
        assert_eq!(
            choose(Some(AuthMethod::Cli), Some("t"), &env(&[])).unwrap(),
            Choice::Cli {
                tenant: Some("t".into())
            }
        );
    }
}
