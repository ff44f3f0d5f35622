//! Test support shared by the end-to-end and the cluster test binaries, each of which includes
//! it with `#[path = "../support/mod.rs"] mod support;`. Not every binary uses every helper.
#![allow(dead_code)]

pub mod client;
pub mod http;
pub mod race;
