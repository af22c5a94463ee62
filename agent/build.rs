//! Names the target families once so modules can say `#[cfg(wasm_browser)]`.
fn main() {
    cfg_aliases::cfg_aliases! {
        wasm_browser: { all(target_family = "wasm", target_os = "unknown") },
    }
}
