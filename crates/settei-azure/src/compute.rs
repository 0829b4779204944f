//! Virtual machines and managed disks (category 4.1).

use serde::Deserialize;
use serde_json::json;

use crate::ctx::{ArmResource, Ctx};
use crate::operations::{DISKS, VMS};

pub const DISK: &str = "azure.compute.disk";
pub const VM: &str = "azure.compute.vm";

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DiskProps {
    disk_state: Option<String>,
    encryption: Option<DiskEncryption>,
    network_access_policy: Option<String>,
    public_network_access: Option<String>,
    data_access_auth_mode: Option<String>,
}

#[derive(Debug, Deserialize)]
struct DiskEncryption {
    #[serde(rename = "type")]
    kind: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct VmProps {
    storage_profile: Option<StorageProfile>,
    security_profile: Option<SecurityProfile>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StorageProfile {
    os_disk: Option<VmDisk>,
    #[serde(default)]
    data_disks: Vec<VmDisk>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct VmDisk {
    managed_disk: Option<serde_json::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SecurityProfile {
    security_type: Option<String>,
    uefi_settings: Option<Uefi>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Uefi {
    secure_boot_enabled: Option<bool>,
    v_tpm_enabled: Option<bool>,
}

pub(crate) async fn disks(ctx: &Ctx<'_>) {
    let path = format!(
        "/subscriptions/{}/providers/Microsoft.Compute/disks",
        ctx.subscription
    );
    let Some(disks) = ctx
        .listed::<ArmResource<DiskProps>>(DISK, &DISKS, &path, &[])
        .await
    else {
        return;
    };
    for d in disks {
        let region = d.region();
        let Some(p) = &d.properties else {
            ctx.no_properties(DISK, &region, &d.id, &DISKS);
            continue;
        };
        let f = ctx.fields(DISK, &region, &d.id, &DISKS);
        let state = f.required("attached", p.disk_state.as_deref());
        let attrs = json!({
            // Reserved: attached to a deallocated VM.
            "attached": state.map(|s| s.eq_ignore_ascii_case("Attached") || s.eq_ignore_ascii_case("Reserved")),
            // No encryption block: platform-managed keys.
            "customer_managed_key": p.encryption.as_ref()
                .and_then(|e| e.kind.as_deref())
                .is_some_and(|t| t.contains("CustomerKey")),
            "network_access_policy": p.network_access_policy.as_deref().unwrap_or("AllowAll"),
            "public_network_access": p.public_network_access.as_deref().unwrap_or("Enabled"),
            "data_access_auth_mode": p.data_access_auth_mode.as_deref().unwrap_or("None"),
        });
        ctx.resource(DISK, &d, attrs);
    }
}

pub(crate) async fn vms(ctx: &Ctx<'_>) {
    let path = format!(
        "/subscriptions/{}/providers/Microsoft.Compute/virtualMachines",
        ctx.subscription
    );
    let Some(vms) = ctx
        .listed::<ArmResource<VmProps>>(VM, &VMS, &path, &[])
        .await
    else {
        return;
    };
    for v in vms {
        let region = v.region();
        let Some(p) = &v.properties else {
            ctx.no_properties(VM, &region, &v.id, &VMS);
            continue;
        };
        let f = ctx.fields(VM, &region, &v.id, &VMS);
        let managed = f
            .required("managed_disks", p.storage_profile.as_ref())
            .map(|s| {
                s.os_disk.as_ref().is_some_and(|d| d.managed_disk.is_some())
                    && s.data_disks.iter().all(|d| d.managed_disk.is_some())
            });
        let sec = p.security_profile.as_ref();
        let uefi = sec.and_then(|s| s.uefi_settings.as_ref());
        let attrs = json!({
            "managed_disks": managed,
            // A confidential VM has Secure Boot and vTPM as well.
            "trusted_launch": sec.and_then(|s| s.security_type.as_deref())
                .is_some_and(|t| t.eq_ignore_ascii_case("TrustedLaunch") || t.eq_ignore_ascii_case("ConfidentialVM")),
            "secure_boot": uefi.and_then(|u| u.secure_boot_enabled).unwrap_or(false),
            "vtpm": uefi.and_then(|u| u.v_tpm_enabled).unwrap_or(false),
        });
        ctx.resource(VM, &v, attrs);
    }
}
