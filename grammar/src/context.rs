//! What lowering shares across files: the sources, the declared names of the
//! whole build, and the diagnostics found so far.

use std::collections::HashMap;

use crate::diagnostic::{Diagnostic, Diagnostics, Label, SourceFile};
use crate::suggest;
use crate::syntax::Span;

/// Where something was declared: a file (by index) and a span in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Location {
    pub(crate) file: usize,
    pub(crate) span: Span,
}

/// An enum of the build, as far as references to it need to know.
#[derive(Debug, Clone)]
pub(crate) struct EnumInfo {
    pub(crate) variants: Vec<String>,
}

/// A model of the build, as far as references to it need to know.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ModelInfo {
    pub(crate) is_abstract: bool,
}

/// The lowering state of one build.
pub(crate) struct Context<'s> {
    pub(crate) sources: &'s [SourceFile],
    pub(crate) enums: HashMap<String, EnumInfo>,
    pub(crate) models: HashMap<String, ModelInfo>,
    /// Declaration order of the models, for deterministic suggestions.
    pub(crate) model_names: Vec<String>,
    /// Declaration order of the enums.
    pub(crate) enum_names: Vec<String>,
    /// A file failed to parse, so its names are unknown: "unknown model" errors
    /// would be noise.
    pub(crate) incomplete: bool,
    diagnostics: Vec<(usize, Diagnostic)>,
}

impl<'s> Context<'s> {
    pub(crate) fn new(sources: &'s [SourceFile]) -> Context<'s> {
        Context {
            sources,
            enums: HashMap::new(),
            models: HashMap::new(),
            model_names: Vec::new(),
            enum_names: Vec::new(),
            incomplete: false,
            diagnostics: Vec::new(),
        }
    }

    /// A new error at `span` of `file`, to be finished and passed to [`Context::report`].
    pub(crate) fn error(&self, file: usize, span: Span, message: impl Into<String>) -> Diagnostic {
        self.sources[file].error(span, message)
    }

    /// A secondary label at a location.
    pub(crate) fn label(&self, at: Location, message: impl Into<String>) -> Label {
        self.sources[at.file].label(at.span, message)
    }

    /// Records an error found in `file`.
    pub(crate) fn report(&mut self, file: usize, diagnostic: Diagnostic) {
        self.diagnostics.push((file, diagnostic));
    }

    /// Shorthand for an error with an optional help line.
    pub(crate) fn report_at(
        &mut self,
        file: usize,
        span: Span,
        message: impl Into<String>,
        help: Option<String>,
    ) {
        let diagnostic = self.error(file, span, message).with_optional_help(help);
        self.report(file, diagnostic);
    }

    /// Reports `unknown model `X`` unless the build is incomplete. True when known.
    pub(crate) fn check_model_exists(&mut self, file: usize, span: Span, name: &str) -> bool {
        if self.models.contains_key(name) {
            return true;
        }
        if !self.incomplete {
            let help = suggest::did_you_mean(name, self.model_names.iter().map(String::as_str));
            self.report_at(file, span, format!("unknown model `{name}`"), help);
        }
        false
    }

    /// Reports `unknown enum `X`` unless the build is incomplete. True when known.
    pub(crate) fn check_enum_exists(&mut self, file: usize, span: Span, name: &str) -> bool {
        if self.enums.contains_key(name) {
            return true;
        }
        if !self.incomplete {
            let help = suggest::did_you_mean(name, self.enum_names.iter().map(String::as_str));
            self.report_at(file, span, format!("unknown enum `{name}`"), help);
        }
        false
    }

    /// The diagnostics sorted by file order then position, or `None` when there are none.
    pub(crate) fn finish(mut self) -> Option<Diagnostics> {
        if self.diagnostics.is_empty() {
            return None;
        }
        self.diagnostics
            .sort_by_key(|(file, diagnostic)| (*file, diagnostic.line, diagnostic.column));
        let items: Vec<Diagnostic> = self.diagnostics.into_iter().map(|(_, d)| d).collect();
        Some(Diagnostics::from(items))
    }
}
