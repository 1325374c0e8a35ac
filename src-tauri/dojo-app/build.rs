fn main() {
    // `generate_context!` embeds the built UI; rebuild the app when trunk
    // rebuilds it, or a stale UI ships.
    println!("cargo:rerun-if-changed=../../ui/dist");
    // The Tauri configuration lives at the top of the repository, beside the
    // workspace manifest, as the design card fixes it.
    tauri_build::try_build(tauri_build::Attributes::new().config_path("../../tauri.conf.json"))
        .unwrap_or_else(|error| panic!("tauri build script failed: {error:#}"));
}
