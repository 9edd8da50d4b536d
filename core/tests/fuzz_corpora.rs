//! Replays every committed fuzz corpus (fuzz/corpus/<target>/) and every
//! input that once crashed (fuzz/regressions/<target>/) through the same
//! checks the fuzz targets run. Fuzzing itself runs outside CI
//! (docs/reliability.md); this keeps what it found checked on every run.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic, missing_docs)]

#[path = "../../fuzz/src/checks.rs"]
mod checks;

use std::path::Path;

fn inputs(folder: &Path) -> Vec<std::path::PathBuf> {
    let Ok(entries) = std::fs::read_dir(folder) else { return Vec::new() };
    let mut files: Vec<_> = entries.filter_map(|entry| entry.ok().map(|entry| entry.path())).collect();
    files.sort();
    files
}

#[test]
fn every_committed_fuzz_input_passes_its_check() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz");
    let mut replayed = 0;
    for (target, check) in checks::TARGETS {
        let corpus = inputs(&root.join("corpus").join(target));
        assert!(!corpus.is_empty(), "no committed corpus for {target}");
        for file in corpus.iter().chain(inputs(&root.join("regressions").join(target)).iter()) {
            let data = std::fs::read(file).expect("readable");
            let outcome = std::panic::catch_unwind(|| check(&data));
            assert!(outcome.is_ok(), "{target}: {} fails its check", file.display());
            replayed += 1;
        }
    }
    eprintln!("replayed {replayed} fuzz inputs");
}
