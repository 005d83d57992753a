//! Dockyard's binary. In the browser (wasm32) it starts the UI, nothing else. Natively it is the
//! headless player: `dockyard play FILE` plays a transcript, printing the narration, the terminal
//! output and each goal's outcome, and exits non-zero when a goal fails or a line cannot be parsed.

#[cfg(target_arch = "wasm32")]
fn main() {
    #[cfg(feature = "ui")]
    dockyard::ui::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    std::process::exit(dockyard::scenario::play_cli::main(&args));
}
