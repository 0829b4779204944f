//! Writing output: to stdout, or atomically to a file so that a failed or
//! interrupted run never leaves a half-written report behind.

use std::io::Write as _;
use std::path::Path;

use anyhow::{Context as _, Result};

pub fn write(path: Option<&Path>, content: &str) -> Result<()> {
    match path {
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(content.as_bytes())
                .context("writing to stdout")?;
            out.flush().ok();
            Ok(())
        }
        Some(path) => {
            write_atomic(path, content.as_bytes())?;
            share(path)
        }
    }
}

/// Reports are for sharing: readable like any file the user creates
/// (snapshots keep the private mode of the temporary file).
#[cfg(unix)]
fn share(path: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o644))
        .with_context(|| format!("cannot set permissions of {}", path.display()))
}

#[cfg(not(unix))]
fn share(_: &Path) -> Result<()> {
    Ok(())
}

/// Writes to a temporary file beside `path`, then renames it into place.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("cannot write in {}", dir.display()))?;
    tmp.write_all(bytes)
        .with_context(|| format!("writing {}", path.display()))?;
    tmp.as_file().sync_all().ok();
    tmp.persist(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    Ok(())
}
