//! What every Azure collector works with: the client, the sink and the
//! subscription, and the fail-closed reading patterns of the provider
//! layer bound to them.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{Map, Value};
use settei_model::Resource;
use settei_provider::{Classify, Fields, Recorder, Scope, SnapshotSink};

use crate::client::Client;
use crate::error::AzureErrors;
use crate::operations::Read;

pub(crate) struct Ctx<'a> {
    pub client: &'a Client,
    pub sink: &'a SnapshotSink,
    pub subscription: &'a str,
    pub tenant: Option<&'a str>,
    /// Per-resource reads in flight within one collector.
    pub concurrency: usize,
}

/// The envelope every ARM resource has.
#[derive(Debug, Deserialize)]
pub(crate) struct ArmResource<P> {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub location: Option<String>,
    #[serde(default)]
    pub tags: Option<BTreeMap<String, String>>,
    #[serde(default = "Option::default")]
    pub properties: Option<P>,
}

impl<P> ArmResource<P> {
    /// The region settei files it under: ARM's location, lower case
    /// without spaces (`Japan East` → `japaneast`); `global` when none.
    pub fn region(&self) -> String {
        normalize_location(self.location.as_deref())
    }
}

pub(crate) fn normalize_location(l: Option<&str>) -> String {
    match l {
        Some(l) if !l.trim().is_empty() => l.to_ascii_lowercase().replace(' ', ""),
        _ => "global".to_string(),
    }
}

impl Ctx<'_> {
    fn recorder(&self) -> Recorder<'_, AzureErrors> {
        Recorder {
            sink: self.sink,
            classify: &AzureErrors,
        }
    }

    /// Lists a whole subscription-wide collection; on failure every rule on
    /// `kind` is ERROR (in every region) and `None` is returned.
    pub async fn listed<T: DeserializeOwned>(
        &self,
        kind: &str,
        read: &Read,
        path: &str,
        query: &[(&str, &str)],
    ) -> Option<Vec<T>> {
        self.sink.attempted(kind);
        self.recorder()
            .listed(
                kind,
                None,
                read.api.service(),
                read.name,
                self.client.list(read, path, query),
            )
            .await
    }

    /// Reads one object that a kind is built from alone (a tenant's
    /// policy); on failure the kind is ERROR.
    pub async fn singleton<T: DeserializeOwned>(
        &self,
        kind: &str,
        read: &Read,
        path: &str,
    ) -> Option<T> {
        self.sink.attempted(kind);
        self.recorder()
            .listed(
                kind,
                None,
                read.api.service(),
                read.name,
                self.client.get(read, path, &[]),
            )
            .await
    }

    /// A read that fills `attributes` of one resource (an account's blob
    /// service, a vault's diagnostic settings): its failure makes exactly
    /// those attributes unknown.
    pub async fn part<T>(
        &self,
        (kind, region, id): (&str, &str, &str),
        attributes: &[&str],
        read: &Read,
        call: impl std::future::Future<Output = Result<T, crate::error::Failure>>,
    ) -> Option<T> {
        match call.await {
            Ok(v) => Some(v),
            Err(e) => {
                self.failed(Scope::attrs(kind, Some(region), id, attributes), read, &e);
                None
            }
        }
    }

    /// Records `err` of `read` against `scope`.
    pub fn failed(&self, scope: Scope<'_>, read: &Read, err: &crate::error::Failure) {
        self.sink
            .error(AzureErrors.failure(scope, read.api.service(), read.name, err));
    }

    /// Fields of one resource as `read` returned them.
    pub fn fields<'f>(
        &'f self,
        kind: &'f str,
        region: &'f str,
        id: &'f str,
        read: &'f Read,
    ) -> Fields<'f> {
        Fields {
            sink: self.sink,
            kind,
            region,
            id,
            operation: read.name,
        }
    }

    /// Records that `read` answered `id` without its `properties`: every
    /// rule on the resource is ERROR.
    pub fn no_properties(&self, kind: &str, region: &str, id: &str, read: &Read) {
        self.sink.error(settei_provider::unknown_shape(
            Scope::attrs(kind, Some(region), id, &[]),
            read.name,
            "the resource has no `properties`",
        ));
    }

    /// An ARM resource with `attributes` (a JSON object).
    pub fn resource<P>(&self, kind: &str, r: &ArmResource<P>, attributes: Value) {
        self.sink.resource(Resource {
            id: r.id.clone(),
            kind: kind.to_string(),
            region: r.region(),
            name: r.name.clone(),
            tags: r.tags.clone().unwrap_or_default(),
            attributes: object(attributes),
        });
    }

    /// A record of the whole subscription or tenant (region `global`).
    pub fn global(&self, kind: &str, id: String, name: &str, attributes: Value) {
        self.sink.resource(global(kind, id, name, attributes));
    }
}

/// A record of the whole subscription or tenant (region `global`).
pub(crate) fn global(kind: &str, id: String, name: &str, attributes: Value) -> Resource {
    Resource {
        id,
        kind: kind.to_string(),
        region: "global".to_string(),
        name: name.to_string(),
        tags: Default::default(),
        attributes: object(attributes),
    }
}

/// The attributes of a `json!({...})` literal.
pub(crate) fn object(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        other => unreachable!("attributes are an object literal, not {other}"),
    }
}

/// Number of private endpoint connections in state `Approved`.
pub(crate) fn approved_private_endpoints(conns: Option<&[PrivateEndpointConnection]>) -> i64 {
    conns
        .unwrap_or_default()
        .iter()
        .filter(|c| {
            c.properties
                .as_ref()
                .and_then(|p| p.private_link_service_connection_state.as_ref())
                .and_then(|s| s.status.as_deref())
                .is_some_and(|s| s.eq_ignore_ascii_case("Approved"))
        })
        .count() as i64
}

#[derive(Debug, Deserialize)]
pub(crate) struct PrivateEndpointConnection {
    #[serde(default)]
    pub properties: Option<PrivateEndpointConnectionProps>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PrivateEndpointConnectionProps {
    #[serde(default)]
    pub private_link_service_connection_state: Option<ConnectionState>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct ConnectionState {
    #[serde(default)]
    pub status: Option<String>,
}

/// Network rules as storage accounts and vaults have them.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct NetworkAcls {
    #[serde(default)]
    pub default_action: Option<String>,
    #[serde(default)]
    pub bypass: Option<String>,
}
