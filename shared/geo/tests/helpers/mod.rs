//! Shared test helpers: tool lookup, generated fixtures, reading a vector database back.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use tuilerie_geo::feature::Value;
use tuilerie_geo::vectordb::{Feature, VectorDb};

/// Directory of the Python tools (`TUILERIE_TOOLS`, else `<repo>/.venv/bin`).
pub fn tools() -> PathBuf {
    let dir = std::env::var_os("TUILERIE_TOOLS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.venv/bin"));
    assert!(
        dir.join("python").exists(),
        "run scripts/test to install the test tools (missing {})",
        dir.display()
    );
    dir
}

/// The communes fixtures, generated once with GDAL through pyogrio into the target directory
/// and shared by every test process (a version stamp in the name tracks the script).
pub fn communes() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/communes.py");
        let source = std::fs::read(&script).unwrap();
        let stamp = source
            .iter()
            .fold(0u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(*b)));
        let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("communes-90-{stamp:x}"));
        if target.join("reference_shp.json").exists() {
            return target;
        }
        let scratch = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
        let status = std::process::Command::new(tools().join("python"))
            .arg(&script)
            .arg(scratch.path())
            .arg("--prefix")
            .arg("90")
            .status()
            .unwrap();
        assert!(
            status.success(),
            "run scripts/test to install the test tools (fixture generation failed)"
        );
        let scratch = scratch.keep();
        if std::fs::rename(&scratch, &target).is_err() {
            let _ = std::fs::remove_dir_all(&scratch);
        }
        target
    })
    .as_path()
}

/// Reads every feature of a layer.
pub fn features(db: &Path, layer: &str) -> Vec<Feature> {
    VectorDb::open(db)
        .unwrap()
        .features(layer)
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// A property value by normalised name.
pub fn property<'a>(feature: &'a Feature, name: &str) -> &'a Value {
    &feature
        .properties
        .iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no property {name}"))
        .1
}

/// A value as text, whatever its type.
pub fn text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) | Value::Date(s) => s.clone(),
        Value::Integer(i) => i.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Boolean(b) => b.to_string(),
    }
}

/// Writes a file into a directory and returns its path.
pub fn write(dir: &Path, name: &str, content: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path
}

/// Builds a zip archive from `(name, content)` entries, deflated.
pub fn zip(dir: &Path, name: &str, entries: &[(&str, &[u8])]) -> PathBuf {
    let path = dir.join(name);
    let mut writer = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (entry, content) in entries {
        writer.start_file(*entry, options).unwrap();
        std::io::Write::write_all(&mut writer, content).unwrap();
    }
    writer.finish().unwrap();
    path
}
