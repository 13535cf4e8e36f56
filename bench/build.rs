fn main() -> Result<(), pookie_codegen::Error> {
    pookie_codegen::compile(&["schemas/bench.pookie"])
}
