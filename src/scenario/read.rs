//! Bounded reads of regular files, for every input the tool takes (scenario
//! files and their parents, manifests, the tables `chart` reads back).
//!
//! A FIFO, a terminal or `/dev/stdin` would block a read forever, and
//! `/dev/zero` never ends, so only regular files are opened, and no read
//! goes past its limit whatever the metadata says.

use std::io::Read;
use std::path::Path;

/// Largest scenario file accepted, in bytes; the limits of the other
/// inputs derive from it.
pub const MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;

/// Largest manifest: it embeds a resolved scenario file, which JSON string
/// escaping can make up to twice as long, plus a little metadata.
pub const MAX_MANIFEST_BYTES: u64 = 2 * MAX_FILE_BYTES + 1024 * 1024;

/// Largest result table `chart` reads back.
pub const MAX_TABLE_BYTES: u64 = 16 * MAX_FILE_BYTES;

/// Why a file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("file not found")]
    NotFound,
    #[error("is a directory, not a file")]
    Directory,
    #[error(
        "is not a regular file (a pipe, device or socket, such as /dev/stdin); name a file on disk"
    )]
    NotRegular,
    #[error("the file is too large ({} MB; the limit is {} MB)", mb(*.len), mb(*.limit))]
    TooLarge { len: u64, limit: u64 },
    #[error("permission denied")]
    PermissionDenied,
    #[error("{0}")]
    Io(std::io::Error),
}

fn mb(bytes: u64) -> String {
    format!("{:.1}", bytes as f64 / (1024.0 * 1024.0))
        .trim_end_matches(".0")
        .to_string()
}

impl From<std::io::Error> for ReadError {
    fn from(e: std::io::Error) -> Self {
        match e.kind() {
            std::io::ErrorKind::NotFound => ReadError::NotFound,
            std::io::ErrorKind::PermissionDenied => ReadError::PermissionDenied,
            _ => ReadError::Io(e),
        }
    }
}

/// The bytes of a regular file of at most `limit` bytes.
pub fn read_regular_file(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let meta = std::fs::metadata(path)?;
    if meta.is_dir() {
        return Err(ReadError::Directory);
    }
    if !meta.is_file() {
        return Err(ReadError::NotRegular);
    }
    if meta.len() > limit {
        return Err(ReadError::TooLarge {
            len: meta.len(),
            limit,
        });
    }
    let file = std::fs::File::open(path)?;
    // The file may have been swapped or grown since the metadata was read.
    if !file.metadata()?.is_file() {
        return Err(ReadError::NotRegular);
    }
    let mut bytes = Vec::new();
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge {
            len: bytes.len() as u64,
            limit,
        });
    }
    Ok(bytes)
}

/// Like [`read_regular_file`], as UTF-8 text.
pub fn read_regular_text(path: &Path, limit: u64) -> Result<String, ReadError> {
    let bytes = read_regular_file(path, limit)?;
    String::from_utf8(bytes).map_err(|e| {
        ReadError::Io(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!(
                "not a text file (invalid UTF-8 at byte {})",
                e.utf8_error().valid_up_to()
            ),
        ))
    })
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn special_files_are_refused_without_blocking() {
        for path in ["/dev/zero", "/dev/null", "/dev/stdin"] {
            if Path::new(path).exists() {
                let err = read_regular_file(Path::new(path), 100).unwrap_err();
                assert!(
                    matches!(err, ReadError::NotRegular | ReadError::NotFound),
                    "{path}: {err}"
                );
            }
        }
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            assert!(matches!(
                read_regular_file(&fifo, 100),
                Err(ReadError::NotRegular)
            ));
        }
    }

    #[test]
    fn a_file_over_the_limit_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big");
        std::fs::write(&path, vec![b'x'; 101]).unwrap();
        assert!(matches!(
            read_regular_file(&path, 100),
            Err(ReadError::TooLarge {
                len: 101,
                limit: 100
            })
        ));
        assert_eq!(read_regular_file(&path, 101).unwrap().len(), 101);
    }
}
