//! Every `shaders/*.wgsl` parses and validates with naga, without a GPU.
//!
//! The test fails when the folder is missing or empty, so it can never pass vacuously.

use std::path::Path;

#[test]
fn all_shaders_parse_and_validate() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("shaders");
    let entries =
        std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
    let mut paths: Vec<_> = entries
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "wgsl"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no .wgsl files in {}", dir.display());

    for path in &paths {
        let source = std::fs::read_to_string(path).expect("readable shader");
        let shown = path.display().to_string();
        let module = naga::front::wgsl::parse_str(&source)
            .unwrap_or_else(|e| panic!("{}", e.emit_to_string_with_path(&source, &shown)));
        let mut validator = naga::valid::Validator::new(
            naga::valid::ValidationFlags::all(),
            naga::valid::Capabilities::default(),
        );
        if let Err(e) = validator.validate(&module) {
            panic!("{}", e.emit_to_string_with_path(&source, &shown));
        }
        assert!(
            !module.entry_points.is_empty(),
            "{shown} has no entry point"
        );
        println!("ok {shown}: {} entry points", module.entry_points.len());
    }
}
