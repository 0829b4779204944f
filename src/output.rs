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
        Some(path) => write_atomic(path, content.as_bytes()),
    }
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
