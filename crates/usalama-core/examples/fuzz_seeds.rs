//! Writes the fuzz targets' seed corpus to `fuzz/seeds/` and their dictionary to
//! `fuzz/report.dict` (or under the folder given):
//!
//! ```text
//! cargo run -p usalama-core --features fuzzing --example fuzz_seeds [-- DIR]
//! ```

fn main() -> std::io::Result<()> {
    let dir = std::env::args().nth(1).map_or_else(
        || std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/seeds"),
        std::path::PathBuf::from,
    );
    usalama_core::fuzzing::write_seeds(&dir)?;
    println!("seeds written to {}", dir.display());
    Ok(())
}
