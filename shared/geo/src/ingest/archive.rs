//! The archive guard: zip uploads are checked entry by entry before and while extracting.

use super::Limits;
use crate::error::{IngestError, Result};
use std::fs::File;
use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};

fn rejected(file: &str, reason: impl Into<String>) -> IngestError {
    IngestError::ArchiveRejected {
        file: file.to_string(),
        reason: reason.into(),
    }
}

/// Extracts a zip archive into `dest` after checking it; returns `(path on disk, path shown)`
/// for every extracted file, nested archives expanded up to `limits.max_nesting` levels.
pub(crate) fn extract(
    archive_path: &Path,
    display: &str,
    dest: &Path,
    limits: &Limits,
    depth: u32,
) -> Result<Vec<(PathBuf, String)>> {
    let file = File::open(archive_path).map_err(|e| IngestError::io(archive_path, e))?;
    let archive_len = file
        .metadata()
        .map_err(|e| IngestError::io(archive_path, e))?
        .len()
        .max(1);
    let mut zip = zip::ZipArchive::new(std::io::BufReader::new(file)).map_err(|e| {
        IngestError::malformed(display, None, format!("not a valid zip archive ({e})"))
    })?;
    if zip.len() > limits.max_entries {
        return Err(rejected(
            display,
            format!(
                "it holds {} entries, more than the {} allowed",
                zip.len(),
                limits.max_entries
            ),
        ));
    }
    if zip.is_empty() {
        return Err(IngestError::EmptyInput {
            file: display.to_string(),
            detail: "is an empty archive".to_string(),
        });
    }
    let mut planned = Vec::with_capacity(zip.len());
    let mut total: u64 = 0;
    for index in 0..zip.len() {
        let entry = zip.by_index_raw(index).map_err(|e| {
            IngestError::malformed(
                display,
                None,
                format!("entry {} cannot be read ({e})", index + 1),
            )
        })?;
        let name = entry.name().map(|n| n.to_string()).map_err(|e| {
            IngestError::malformed(
                display,
                None,
                format!("entry {} has an invalid name ({e})", index + 1),
            )
        })?;
        let absolute = name.starts_with('/')
            || name.starts_with('\\')
            || name.as_bytes().get(1) == Some(&b':');
        let safe = entry
            .enclosed_name()
            .filter(|_| !absolute)
            .filter(|p| p.components().all(|c| matches!(c, Component::Normal(_))));
        let Some(relative) = safe else {
            return Err(rejected(
                display,
                format!("entry `{name}` has a path escaping the archive"),
            ));
        };
        if entry.is_symlink() {
            return Err(rejected(
                display,
                format!("entry `{name}` is a symbolic link"),
            ));
        }
        if entry.is_dir() {
            continue;
        }
        if entry.size() > limits.max_entry_bytes {
            return Err(rejected(
                display,
                format!(
                    "entry `{name}` expands to {} bytes, more than the {} allowed per file",
                    entry.size(),
                    limits.max_entry_bytes
                ),
            ));
        }
        total = total.saturating_add(entry.size());
        planned.push((index, relative, name, entry.size()));
    }
    let ratio = total as f64 / archive_len as f64;
    if ratio > limits.max_ratio && total > limits.ratio_min_bytes {
        return Err(rejected(
            display,
            format!(
                "it expands {ratio:.0} times its size, more than the {} allowed (a zip bomb?)",
                limits.max_ratio
            ),
        ));
    }
    let mut extracted = Vec::new();
    let mut written: u64 = 0;
    for (index, relative, name, size) in planned {
        let target = dest.join(&relative);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| IngestError::io(parent, e))?;
        }
        let mut entry = zip.by_index(index).map_err(|e| {
            IngestError::malformed(
                display,
                None,
                format!("entry `{name}` cannot be extracted ({e})"),
            )
        })?;
        let mut out = File::create(&target).map_err(|e| IngestError::io(&target, e))?;
        let copied = copy_limited(&mut entry, &mut out, size).map_err(|e| {
            IngestError::malformed(
                display,
                None,
                format!("entry `{name}` cannot be extracted ({e})"),
            )
        })?;
        if copied > size {
            return Err(rejected(
                display,
                format!("entry `{name}` is larger than announced"),
            ));
        }
        written += copied;
        if written as f64 / archive_len as f64 > limits.max_ratio
            && written > limits.ratio_min_bytes
        {
            return Err(rejected(
                display,
                format!(
                    "it expands more than {} times its size (a zip bomb?)",
                    limits.max_ratio
                ),
            ));
        }
        drop(out);
        let shown = format!("{display}/{name}");
        let is_zip = relative
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("zip"));
        if is_zip {
            if depth + 1 > limits.max_nesting {
                return Err(rejected(
                    display,
                    format!(
                        "`{name}` is an archive nested more than {} level deep",
                        limits.max_nesting
                    ),
                ));
            }
            let inner_dest = dest.join(format!("{}.d", relative.display()));
            extracted.extend(extract(&target, &shown, &inner_dest, limits, depth + 1)?);
        } else {
            extracted.push((target, shown));
        }
    }
    Ok(extracted)
}

/// Copies at most `announced + 1` bytes, so an entry larger than announced is detected
/// without writing it all.
fn copy_limited(
    input: &mut impl Read,
    out: &mut impl Write,
    announced: u64,
) -> std::io::Result<u64> {
    let mut limited = input.take(announced.saturating_add(1));
    std::io::copy(&mut limited, out)
}
