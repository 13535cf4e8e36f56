//! Without `OUT_DIR` and without `Config::out_dir`, compiling is a clear error.
//! (Alone in its binary: it changes the environment.)

#[test]
fn missing_out_dir_is_an_error() {
    if std::env::var_os("OUT_DIR").is_some() {
        std::env::remove_var("OUT_DIR");
    }
    let error = pookie_codegen::Config::new()
        .emit_rerun_if_changed(false)
        .compile(&["schemas/blog.pookie"])
        .unwrap_err();
    assert!(matches!(error, pookie_codegen::Error::OutDir), "{error}");
    assert!(error.to_string().contains("OUT_DIR is not set"));
    assert_eq!(format!("{error:?}"), error.to_string());
}
