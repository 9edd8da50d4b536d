//! The checks the fuzz targets run (see checks.rs).
#![allow(clippy::panic, missing_docs)]

pub mod checks;
