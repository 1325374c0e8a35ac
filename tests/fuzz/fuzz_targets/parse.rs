//! The parser and lowering on any bytes: `parse` and every diagnostic's
//! rendering must return, whatever the input.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let source = String::from_utf8_lossy(data);
    let parsed = dojo_lang::parse(&source);
    let file = dojo_lang::SourceFile::new("fuzz.py", source.as_ref());
    for diagnostic in &parsed.diagnostics {
        let _ = file.render(diagnostic);
    }
});
