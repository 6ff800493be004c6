//! Reading scenario files safely, and the scenario files bundled with the
//! binary.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::diag::Diagnostic;

/// Largest scenario file accepted, in bytes. Larger files are refused
/// before anything is parsed.
pub const MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;

/// Scenario files embedded in the binary, by file name. An `extends` that
/// names one of these and is not found next to the extending file uses the
/// embedded copy.
pub const BUNDLED: &[(&str, &str)] = &[(
    "paris-2026.toml",
    include_str!("../../scenarios/paris-2026.toml"),
)];

/// The embedded text of a bundled scenario file, by file name.
pub fn bundled(name: &str) -> Option<&'static str> {
    BUNDLED.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

/// One file used to build a scenario.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as named (relative paths stay relative), or
    /// `<bundled>/NAME` for an embedded file.
    pub path: String,
    /// Canonical path on disk; `None` for embedded files.
    pub disk_path: Option<PathBuf>,
    /// The full text.
    pub text: Arc<str>,
}

impl SourceFile {
    /// Is this the copy embedded in the binary?
    pub fn is_bundled(&self) -> bool {
        self.disk_path.is_none()
    }
}

/// Reads a scenario file as UTF-8 text, refusing directories, files over
/// [`MAX_FILE_BYTES`], binary files and empty files with a clear message.
pub(crate) fn read_text(path: &Path) -> Result<String, Box<Diagnostic>> {
    let shown = path.display();
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Diagnostic::error(format!("{shown}: file not found"))
                .with_help("check the path; scenario files usually live in `scenarios/`")
                .into());
        }
        Err(e) => return Err(io_error(path, &e)),
    };
    if meta.is_dir() {
        return Err(
            Diagnostic::error(format!("{shown}: is a directory, not a scenario file"))
                .with_help("name a .toml file, e.g. scenarios/paris-2026.toml")
                .into(),
        );
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(too_large(path, meta.len()));
    }
    let file = std::fs::File::open(path).map_err(|e| io_error(path, &e))?;
    let mut bytes = Vec::new();
    // `take` guards against files whose size the metadata does not tell
    // (pipes, special files).
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| io_error(path, &e))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large(path, bytes.len() as u64));
    }
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            return Err(Diagnostic::error(format!(
                "{shown}: not a text file (invalid UTF-8 at byte {at})"
            ))
            .with_help("a scenario file is TOML text in UTF-8; is this a binary file?")
            .into());
        }
    };
    check_text(&shown.to_string(), &text)?;
    Ok(text)
}

/// Checks text read from anywhere: not empty, no NUL bytes.
pub(crate) fn check_text(shown: &str, text: &str) -> Result<(), Box<Diagnostic>> {
    if let Some(at) = text.find('\0') {
        return Err(
            Diagnostic::error(format!("{shown}: not a text file (NUL byte at byte {at})"))
                .with_help("a scenario file is TOML text in UTF-8; is this a binary file?")
                .into(),
        );
    }
    if text.trim().is_empty() {
        return Err(Diagnostic::error(format!("{shown}: the file is empty"))
            .with_help(
                "start from `guarantee-sim init my-scenario.toml`, which writes a file that \
                 extends the bundled paris-2026.toml",
            )
            .into());
    }
    Ok(())
}

fn too_large(path: &Path, len: u64) -> Box<Diagnostic> {
    Box::new(
        Diagnostic::error(format!(
            "{}: the file is too large ({:.1} MB; the limit is {} MB)",
            path.display(),
            len as f64 / (1024.0 * 1024.0),
            MAX_FILE_BYTES / (1024 * 1024)
        ))
        .with_help("a scenario file is a few hundred lines of TOML; is this the right file?"),
    )
}

fn io_error(path: &Path, e: &std::io::Error) -> Box<Diagnostic> {
    Box::new(if e.kind() == std::io::ErrorKind::PermissionDenied {
        Diagnostic::error(format!(
            "{}: cannot read the file: permission denied",
            path.display()
        ))
        .with_help("check the file's permissions (e.g. `chmod u+r FILE`)")
    } else {
        Diagnostic::error(format!("{}: cannot read the file: {e}", path.display()))
    })
}
