//! Nothing of its own: the crate is its tests (`tests/browser.rs`), which use
//! tim-contacts the way a Rust wasm app does.
