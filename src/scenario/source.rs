//! Reading scenario files safely, and the scenario files bundled with the
//! binary.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::diag::Diagnostic;

pub use super::read::MAX_FILE_BYTES;
use super::read::{ReadError, read_regular_file};

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

/// Reads a scenario file as UTF-8 text, refusing directories, special
/// files (pipes, devices), files over [`MAX_FILE_BYTES`], binary files and
/// empty files with a clear message.
pub(crate) fn read_text(path: &Path) -> Result<String, Box<Diagnostic>> {
    let shown = path.display();
    let bytes = read_regular_file(path, MAX_FILE_BYTES).map_err(|e| {
        let help = match e {
            ReadError::NotFound => "check the path; scenario files usually live in `scenarios/`",
            ReadError::Directory => "name a .toml file, e.g. scenarios/paris-2026.toml",
            ReadError::NotRegular => "save the text to a .toml file and name that file",
            ReadError::TooLarge { .. } => {
                "a scenario file is a few hundred lines of TOML; is this the right file?"
            }
            ReadError::PermissionDenied => "check the file's permissions (e.g. `chmod u+r FILE`)",
            ReadError::Io(_) => "",
        };
        let message = match e {
            ReadError::Directory => format!("{shown}: is a directory, not a scenario file"),
            ReadError::Io(e) => format!("{shown}: cannot read the file: {e}"),
            ReadError::PermissionDenied => {
                format!("{shown}: cannot read the file: permission denied")
            }
            e => format!("{shown}: {e}"),
        };
        let d = Diagnostic::error(message);
        Box::new(if help.is_empty() {
            d
        } else {
            d.with_help(help)
        })
    })?;
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
