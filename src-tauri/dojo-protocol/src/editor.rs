//! The editor's language features: completions, signature help and hover
//! over the names Dojo's interpreter provides.
//!
//! Positions are Monaco's: `line` and `column` are 1-based and the column
//! counts UTF-16 code units (for ASCII text the same as characters); the
//! cursor stands before the character at `column`.

use serde::{Deserialize, Serialize};

/// What a completion names, for the editor's icon.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SymbolKind {
    Module,
    Class,
    Function,
    Method,
    Constant,
    Variable,
    Keyword,
}

/// One name the editor may offer at the cursor. The editor filters the
/// list by what is typed: the backend returns every member of the base.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompletionItem {
    pub label: String,
    pub kind: SymbolKind,
    /// The signature, e.g. `Dense(units, activation=None, use_bias=True, ...)`,
    /// or the kind of a name without one.
    pub detail: Option<String>,
    /// One line saying what the name is.
    pub documentation: Option<String>,
}

/// One parameter of a signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParameterInfo {
    pub name: String,
    /// The default as Python source (`None`, `'valid'`, `(1, 1)`); absent
    /// for a required parameter.
    pub default: Option<String>,
    /// `name=default` or `name`, as it appears in the signature's label.
    pub label: String,
}

/// The signature of the call the cursor is in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignatureHelp {
    /// The whole signature, e.g. `Dense(units, activation=None, ...)`.
    pub label: String,
    pub documentation: Option<String>,
    pub parameters: Vec<ParameterInfo>,
    /// Index into `parameters` of the argument being written; may equal
    /// `parameters.len()` when more arguments are written than listed.
    pub active_parameter: u32,
}

/// What hovering a name shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HoverInfo {
    /// The signature, or the kind and full name (`module tensorflow.keras`).
    pub signature: String,
    pub documentation: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::expect;

    #[test]
    fn completion_and_signature_wire_shapes() {
        let item = CompletionItem {
            label: "Dense".into(),
            kind: SymbolKind::Class,
            detail: Some("Dense(units, activation=None)".into()),
            documentation: None,
        };
        expect![[r#"{"label":"Dense","kind":"class","detail":"Dense(units, activation=None)","documentation":null}"#]]
            .assert_eq(&serde_json::to_string(&item).unwrap_or_default());
        let help = SignatureHelp {
            label: "Dense(units, activation=None)".into(),
            documentation: None,
            parameters: vec![ParameterInfo {
                name: "activation".into(),
                default: Some("None".into()),
                label: "activation=None".into(),
            }],
            active_parameter: 0,
        };
        expect![[r#"{"label":"Dense(units, activation=None)","documentation":null,"parameters":[{"name":"activation","default":"None","label":"activation=None"}],"active_parameter":0}"#]]
            .assert_eq(&serde_json::to_string(&help).unwrap_or_default());
    }
}
