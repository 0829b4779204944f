//! Writing output: to stdout, or atomically to a file so that a failed or
//! interrupted run never leaves a half-written report behind.

use std::io::Write as _;
use std::path::Path;

use anyhow::{Context as _, Result};

/// Writes a report to `path` (readable as any file the user creates: mode
/// 0666 less the umask) or to stdout. A failed write or flush of stdout is
/// an error, not a silent truncation.
pub fn write(path: Option<&Path>, content: &str) -> Result<()> {
    match path {
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(content.as_bytes())
                .context("writing to stdout")?;
            out.flush().context("flushing stdout")?;
            Ok(())
        }
        Some(path) => write_atomic(path, content.as_bytes(), Visibility::Shared),
    }
}

/// Who may read a written file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    /// Reports are for sharing: 0666, less the umask.
    Shared,
    /// Snapshots hold an account's whole configuration: 0600.
    Private,
}

/// Writes to a temporary file beside `path`, flushes it to disk, renames it
/// into place and flushes the directory, so that after a crash the file is
/// either the old one or the whole new one.
pub fn write_atomic(path: &Path, bytes: &[u8], visibility: Visibility) -> Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".settei-").suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = match visibility {
            Visibility::Shared => 0o666,
            Visibility::Private => 0o600,
        };
        // The mode is given to open(2), which applies the umask.
        builder.permissions(std::fs::Permissions::from_mode(mode));
    }
    #[cfg(not(unix))]
    let _ = visibility;
    let mut tmp = builder
        .tempfile_in(dir)
        .with_context(|| format!("cannot write in {}", dir.display()))?;
    tmp.write_all(bytes)
        .with_context(|| format!("writing {}", path.display()))?;
    tmp.as_file()
        .sync_all()
        .with_context(|| format!("flushing {} to disk", path.display()))?;
    tmp.persist(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    #[cfg(unix)]
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .with_context(|| format!("flushing directory {}", dir.display()))?;
    Ok(())
}
