//! Protobuf schemas travelling with an export bundle, when asked: each
//! profile's schemas compiled into one descriptor set (imports included),
//! base64 in the bundle's RON, so a colleague decodes the same payloads
//! without the `.proto` folder. On import each set becomes a file beside
//! the profiles, named by its content (never overwriting another schema),
//! and the imported profile points at it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use base64::Engine as _;

use super::ImportReport;
use crate::decoders::ProtoSchemas;
use crate::profile::ConnectionProfile;

/// Largest descriptor set carried for one profile.
pub const MAX_BUNDLED_SCHEMA_BYTES: usize = 16 * 1024 * 1024;
/// The folder beside the profiles where imported schemas go.
pub const SCHEMA_FOLDER: &str = "schemas";

/// Compiles each profile's schemas (reads files: call it off the UI
/// thread) into what a bundle carries: profile name → base64 descriptor
/// set. A profile whose schemas do not load is named in the second list.
pub fn bundle_schemas(profiles: &[ConnectionProfile]) -> (BTreeMap<String, String>, Vec<String>) {
    let mut carried = BTreeMap::new();
    let mut problems = Vec::new();
    for profile in profiles.iter().filter(|profile| !profile.decoding.proto_paths.is_empty()) {
        match ProtoSchemas::load(&profile.decoding.proto_paths) {
            Ok(schemas) => {
                let bytes = schemas.descriptor_set();
                if bytes.len() > MAX_BUNDLED_SCHEMA_BYTES {
                    problems.push(format!(
                        "{}: its schemas compile to {} bytes, more than the {MAX_BUNDLED_SCHEMA_BYTES} a bundle carries; not included",
                        profile.name,
                        bytes.len()
                    ));
                    continue;
                }
                carried.insert(profile.name.clone(), base64::engine::general_purpose::STANDARD.encode(bytes));
            }
            Err(error) => problems.push(format!("{}: its schemas were not included: {error}", profile.name)),
        }
    }
    (carried, problems)
}

/// A 64-bit FNV-1a hash, for content-named files.
fn content_hash(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3))
}

/// Takes the schemas an import carried: each imported profile that had
/// one points at `profiles_dir/schemas/<name>-<hash>.pb`; returns the files
/// to write. A set that is not a descriptor set is reported and dropped.
pub fn place_imported_schemas(report: &mut ImportReport, profiles_dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let carried = std::mem::take(&mut report.schemas);
    for profile in &mut report.profiles {
        let Some(encoded) = carried.get(&profile.name) else { continue };
        let bytes = match base64::engine::general_purpose::STANDARD.decode(encoded.trim()) {
            Ok(bytes) if bytes.len() <= MAX_BUNDLED_SCHEMA_BYTES => bytes,
            Ok(_) => {
                report.skipped.push(format!(
                    "{}: its bundled schemas are larger than {MAX_BUNDLED_SCHEMA_BYTES} bytes; not imported",
                    profile.name
                ));
                continue;
            }
            Err(error) => {
                report
                    .skipped
                    .push(format!("{}: its bundled schemas are not base64 ({error}); not imported", profile.name));
                continue;
            }
        };
        if let Err(error) = prost_reflect::DescriptorPool::decode(bytes.as_slice()) {
            report.skipped.push(format!(
                "{}: its bundled schemas are not a descriptor set ({error}); not imported",
                profile.name
            ));
            continue;
        }
        let name = format!("{}-{:016x}.pb", crate::profile::file_stem_of(&profile.name), content_hash(&bytes));
        let path = profiles_dir.join(SCHEMA_FOLDER).join(name);
        profile.decoding.proto_paths = vec![path.clone()];
        files.push((path, bytes));
    }
    files
}
