//! Parsing and lowering: source text to Dojo's syntax tree.
//!
//! [`parse`] never fails. It runs ruff's error-tolerant parser, keeps every
//! syntax error, lowers the tree into [`crate::syntax`], and reports each
//! construct that Dojo does not run (async, generators, `match`, …) as a
//! diagnostic at its span. A program with any error-severity diagnostic
//! must not be run; its tree is still returned for tooling.

use ruff_python_ast as ast;
use ruff_python_parser::{Mode, ParseOptions, parse_unchecked};
use ruff_text_size::{Ranged, TextRange};

mod locals;
mod nesting;

use crate::diagnostic::{Diagnostic, Severity};
use crate::syntax::*;

/// The lowered program and every problem found on the way.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    pub module: Module,
    pub diagnostics: Vec<Diagnostic>,
}

impl Parsed {
    /// Whether the program may run: no error-severity diagnostics.
    pub fn is_runnable(&self) -> bool {
        self.diagnostics
            .iter()
            .all(|diagnostic| diagnostic.severity != Severity::Error)
    }
}

/// The most source text Dojo parses (a solution file is a few kilobytes).
pub const MAX_SOURCE_BYTES: usize = 1 << 20;

/// Parses and lowers `source`. Never panics, whatever the input.
pub fn parse(source: &str) -> Parsed {
    if source.len() > MAX_SOURCE_BYTES {
        return Parsed {
            module: Module { body: Vec::new() },
            diagnostics: vec![Diagnostic::syntax(
                format!(
                    "the program is {} bytes long; Dojo reads programs of at most {} bytes",
                    source.len(),
                    MAX_SOURCE_BYTES
                ),
                Span::new(0, 0),
            )],
        };
    }
    // The parser and everything after it recurse per nesting level: a
    // source nested past the limits is refused before it is parsed.
    if let Some(problem) = nesting::nesting_problem(source) {
        return Parsed {
            module: Module { body: Vec::new() },
            diagnostics: vec![problem],
        };
    }
    let options = ParseOptions::from(Mode::Module).with_target_version(ast::PythonVersion::PY313);
    let parsed = parse_unchecked(source, options);
    let mut lowerer = Lowerer {
        diagnostics: parsed
            .errors()
            .iter()
            .map(|error| Diagnostic::syntax(error.error.to_string(), span(error.location)))
            .collect(),
    };
    let body = match parsed.try_into_module() {
        Some(module) => lowerer.block(&module.syntax().body),
        None => Vec::new(),
    };
    let mut diagnostics = lowerer.diagnostics;
    diagnostics.sort_by_key(|diagnostic| (diagnostic.span.start, diagnostic.span.end));
    diagnostics.dedup();
    Parsed {
        module: Module { body },
        diagnostics,
    }
}

fn span(range: TextRange) -> Span {
    Span::new(range.start().to_u32(), range.end().to_u32())
}

fn span_of(node: &impl Ranged) -> Span {
    span(node.range())
}

struct Lowerer {
    diagnostics: Vec<Diagnostic>,
}

impl Lowerer {
    fn unsupported(&mut self, what: &str, node: &impl Ranged, help: Option<&str>) {
        let mut diagnostic =
            Diagnostic::unsupported(format!("{what} is not supported in Dojo"), span_of(node));
        if let Some(help) = help {
            diagnostic = diagnostic.with_help(help);
        }
        self.diagnostics.push(diagnostic);
    }

    fn block(&mut self, body: &[ast::Stmt]) -> Vec<Stmt> {
        body.iter().filter_map(|stmt| self.stmt(stmt)).collect()
    }

    fn stmt(&mut self, stmt: &ast::Stmt) -> Option<Stmt> {
        let kind = match stmt {
            ast::Stmt::Expr(node) => StmtKind::Expr(self.expr(&node.value)),
            ast::Stmt::Assign(node) => StmtKind::Assign {
                targets: node
                    .targets
                    .iter()
                    .map(|target| self.target(target))
                    .collect(),
                value: self.expr(&node.value),
            },
            ast::Stmt::AugAssign(node) => StmtKind::AugAssign {
                target: self.target(&node.target),
                op: binary_op(node.op),
                value: self.expr(&node.value),
            },
            ast::Stmt::AnnAssign(node) => StmtKind::AnnAssign {
                target: self.target(&node.target),
                value: node.value.as_deref().map(|value| self.expr(value)),
            },
            ast::Stmt::FunctionDef(node) => {
                if node.is_async {
                    self.unsupported("`async def`", stmt, Some("write a plain `def`"));
                }
                if let Some(decorator) = node.decorator_list.first() {
                    self.unsupported(
                        "a function decorator",
                        &decorator.expression,
                        Some("remove the decorator; the function runs without it"),
                    );
                }
                let scan = locals::BodyScan::of(&node.body);
                for (message, range) in scan.late_globals() {
                    self.diagnostics
                        .push(Diagnostic::syntax(message, span(range)));
                }
                StmtKind::FunctionDef(std::rc::Rc::new(FunctionDef {
                    name: node.name.as_str().to_owned(),
                    parameters: self.parameters(&node.parameters),
                    body: FunctionBody::Block(self.block(&node.body)),
                    span: span_of(stmt),
                    locals: scan.locals(),
                }))
            }
            ast::Stmt::ClassDef(node) => {
                if let Some(decorator) = node.decorator_list.first() {
                    self.unsupported("a class decorator", &decorator.expression, None);
                }
                if let Some(keyword) = node.keywords().first() {
                    self.unsupported("a class keyword argument", keyword, None);
                }
                StmtKind::ClassDef(std::rc::Rc::new(ClassDef {
                    name: node.name.as_str().to_owned(),
                    bases: node.bases().iter().map(|base| self.expr(base)).collect(),
                    body: self.block(&node.body),
                    span: span_of(stmt),
                }))
            }
            ast::Stmt::Return(node) => {
                StmtKind::Return(node.value.as_deref().map(|value| self.expr(value)))
            }
            ast::Stmt::Delete(node) => StmtKind::Delete(
                node.targets
                    .iter()
                    .map(|target| self.target(target))
                    .collect(),
            ),
            ast::Stmt::If(node) => {
                // Fold `elif`/`else` clauses from the last one up into nested orelse blocks.
                let mut orelse = Vec::new();
                for clause in node.elif_else_clauses.iter().rev() {
                    let body = self.block(&clause.body);
                    orelse = match &clause.test {
                        None => body,
                        Some(test) => vec![Stmt {
                            kind: StmtKind::If {
                                test: self.expr(test),
                                body,
                                orelse,
                            },
                            span: span_of(clause),
                        }],
                    };
                }
                StmtKind::If {
                    test: self.expr(&node.test),
                    body: self.block(&node.body),
                    orelse,
                }
            }
            ast::Stmt::For(node) => {
                if node.is_async {
                    self.unsupported("`async for`", stmt, None);
                }
                StmtKind::For {
                    target: self.target(&node.target),
                    iter: self.expr(&node.iter),
                    body: self.block(&node.body),
                    orelse: self.block(&node.orelse),
                }
            }
            ast::Stmt::While(node) => StmtKind::While {
                test: self.expr(&node.test),
                body: self.block(&node.body),
                orelse: self.block(&node.orelse),
            },
            ast::Stmt::With(node) => {
                if node.is_async {
                    self.unsupported("`async with`", stmt, None);
                }
                StmtKind::With {
                    items: node
                        .items
                        .iter()
                        .map(|item| WithItem {
                            context: self.expr(&item.context_expr),
                            target: item
                                .optional_vars
                                .as_deref()
                                .map(|target| self.target(target)),
                        })
                        .collect(),
                    body: self.block(&node.body),
                }
            }
            ast::Stmt::Try(node) => {
                if node.is_star {
                    self.unsupported("`except*`", stmt, Some("use a plain `except`"));
                }
                StmtKind::Try {
                    body: self.block(&node.body),
                    handlers: node
                        .handlers
                        .iter()
                        .map(|handler| {
                            let ast::ExceptHandler::ExceptHandler(handler) = handler;
                            ExceptHandler {
                                kind: handler.type_.as_deref().map(|kind| self.expr(kind)),
                                name: handler.name.as_ref().map(|name| name.as_str().to_owned()),
                                body: self.block(&handler.body),
                                span: span_of(handler),
                            }
                        })
                        .collect(),
                    orelse: self.block(&node.orelse),
                    finalbody: self.block(&node.finalbody),
                }
            }
            ast::Stmt::Raise(node) => {
                if let Some(cause) = &node.cause {
                    self.unsupported(
                        "`raise ... from ...`",
                        cause.as_ref(),
                        Some("raise the exception alone"),
                    );
                }
                StmtKind::Raise(node.exc.as_deref().map(|exc| self.expr(exc)))
            }
            ast::Stmt::Assert(node) => StmtKind::Assert {
                test: self.expr(&node.test),
                message: node.msg.as_deref().map(|message| self.expr(message)),
            },
            ast::Stmt::Import(node) => StmtKind::Import(import_names(&node.names)),
            ast::Stmt::ImportFrom(node) => {
                if node.level > 0 {
                    self.unsupported(
                        "a relative import",
                        stmt,
                        Some("a solution is a single file; import modules by their full name"),
                    );
                }
                if let Some(star) = node.names.iter().find(|alias| alias.name.as_str() == "*") {
                    self.unsupported(
                        "`import *`",
                        star,
                        Some("import the names you use explicitly"),
                    );
                }
                StmtKind::ImportFrom {
                    module: node
                        .module
                        .as_ref()
                        .map(|module| module.as_str().to_owned())
                        .unwrap_or_default(),
                    names: import_names(&node.names),
                }
            }
            ast::Stmt::Global(node) => StmtKind::Global(
                node.names
                    .iter()
                    .map(|name| name.as_str().to_owned())
                    .collect(),
            ),
            ast::Stmt::Pass(_) => StmtKind::Pass,
            ast::Stmt::Break(_) => StmtKind::Break,
            ast::Stmt::Continue(_) => StmtKind::Continue,
            ast::Stmt::Nonlocal(_) => {
                self.unsupported("`nonlocal`", stmt, Some("return the new value instead"));
                return None;
            }
            ast::Stmt::Match(_) => {
                self.unsupported("`match`", stmt, Some("use `if`/`elif`"));
                return None;
            }
            ast::Stmt::TypeAlias(_) => {
                self.unsupported("a `type` alias", stmt, None);
                return None;
            }
            ast::Stmt::IpyEscapeCommand(_) => {
                self.unsupported(
                    "an IPython `!`/`%` command",
                    stmt,
                    Some("Dojo runs plain Python files"),
                );
                return None;
            }
        };
        Some(Stmt {
            kind,
            span: span_of(stmt),
        })
    }

    fn parameters(&mut self, parameters: &ast::Parameters) -> Parameters {
        let mut lower = |parameter: &ast::ParameterWithDefault| Parameter {
            name: parameter.parameter.name.as_str().to_owned(),
            default: parameter
                .default
                .as_deref()
                .map(|default| self.expr(default)),
            span: span_of(parameter),
        };
        let positional = parameters
            .posonlyargs
            .iter()
            .chain(parameters.args.iter())
            .map(&mut lower)
            .collect();
        let keyword_only = parameters.kwonlyargs.iter().map(&mut lower).collect();
        Parameters {
            positional,
            varargs: parameters
                .vararg
                .as_ref()
                .map(|parameter| parameter.name.as_str().to_owned()),
            keyword_only,
            kwargs: parameters
                .kwarg
                .as_ref()
                .map(|parameter| parameter.name.as_str().to_owned()),
        }
    }

    fn target(&mut self, expr: &ast::Expr) -> Target {
        let span = span_of(expr);
        match expr {
            ast::Expr::Name(node) => Target::Name(node.id.as_str().to_owned(), span),
            ast::Expr::Attribute(node) => Target::Attribute {
                value: Box::new(self.expr(&node.value)),
                attr: node.attr.as_str().to_owned(),
                span,
            },
            ast::Expr::Subscript(node) => Target::Subscript {
                value: Box::new(self.expr(&node.value)),
                index: Box::new(self.expr(&node.slice)),
                span,
            },
            ast::Expr::Tuple(ast::ExprTuple { elts, .. })
            | ast::Expr::List(ast::ExprList { elts, .. }) => Target::Sequence(
                elts.iter().map(|element| self.target(element)).collect(),
                span,
            ),
            ast::Expr::Starred(node) => Target::Starred(Box::new(self.target(&node.value)), span),
            _ => {
                // The parser already reported an invalid target; keep the tree usable.
                Target::Name(String::new(), span)
            }
        }
    }

    fn exprs(&mut self, exprs: &[ast::Expr]) -> Vec<Expr> {
        exprs.iter().map(|expr| self.expr(expr)).collect()
    }

    fn boxed(&mut self, expr: &ast::Expr) -> Box<Expr> {
        Box::new(self.expr(expr))
    }

    fn expr(&mut self, expr: &ast::Expr) -> Expr {
        let kind = match expr {
            ast::Expr::Name(node) => ExprKind::Name(node.id.as_str().to_owned()),
            ast::Expr::NoneLiteral(_) => ExprKind::None,
            ast::Expr::BooleanLiteral(node) => ExprKind::Bool(node.value),
            ast::Expr::EllipsisLiteral(_) => ExprKind::Ellipsis,
            ast::Expr::NumberLiteral(node) => match &node.value {
                ast::Number::Int(int) => match int.as_i64() {
                    Some(value) => ExprKind::Int(value),
                    None => {
                        self.unsupported(
                            "an integer this large",
                            expr,
                            Some("Dojo's integers are 64-bit; use a float"),
                        );
                        ExprKind::Int(0)
                    }
                },
                ast::Number::Float(value) => ExprKind::Float(*value),
                ast::Number::Complex { .. } => {
                    self.unsupported("a complex number", expr, None);
                    ExprKind::Float(0.0)
                }
            },
            ast::Expr::StringLiteral(node) => ExprKind::Str(node.value.to_str().into()),
            ast::Expr::BytesLiteral(node) => {
                ExprKind::Bytes(node.value.bytes().collect::<Vec<u8>>().into())
            }
            ast::Expr::FString(node) => {
                let mut parts = Vec::new();
                for part in &node.value {
                    match part {
                        ast::FStringPart::Literal(literal) => {
                            parts.push(FStringPart::Literal(literal.as_str().to_owned()))
                        }
                        ast::FStringPart::FString(fstring) => {
                            parts.extend(self.fstring_elements(&fstring.elements))
                        }
                    }
                }
                ExprKind::FString(parts)
            }
            ast::Expr::TString(_) => {
                self.unsupported(
                    "a template string (`t\"...\"`)",
                    expr,
                    Some("use an f-string"),
                );
                ExprKind::None
            }
            ast::Expr::List(node) => ExprKind::List(self.exprs(&node.elts)),
            ast::Expr::Tuple(node) => ExprKind::Tuple(self.exprs(&node.elts)),
            ast::Expr::Set(node) => ExprKind::Set(self.exprs(&node.elts)),
            ast::Expr::Dict(node) => ExprKind::Dict(
                node.items
                    .iter()
                    .map(|item| {
                        (
                            item.key.as_ref().map(|key| self.expr(key)),
                            self.expr(&item.value),
                        )
                    })
                    .collect(),
            ),
            ast::Expr::Attribute(node) => ExprKind::Attribute {
                value: self.boxed(&node.value),
                attr: node.attr.as_str().to_owned(),
            },
            ast::Expr::Subscript(node) => ExprKind::Subscript {
                value: self.boxed(&node.value),
                index: self.boxed(&node.slice),
            },
            ast::Expr::Slice(node) => ExprKind::Slice {
                lower: node.lower.as_deref().map(|bound| self.boxed(bound)),
                upper: node.upper.as_deref().map(|bound| self.boxed(bound)),
                step: node.step.as_deref().map(|step| self.boxed(step)),
            },
            ast::Expr::Call(node) => {
                let mut arguments = Vec::new();
                for argument in node.arguments.args.iter() {
                    arguments.push(match argument {
                        ast::Expr::Starred(starred) => Argument::Unpack(self.expr(&starred.value)),
                        other => Argument::Positional(self.expr(other)),
                    });
                }
                for keyword in node.arguments.keywords.iter() {
                    let value = self.expr(&keyword.value);
                    arguments.push(match &keyword.arg {
                        Some(name) => Argument::Keyword(name.as_str().to_owned(), value),
                        None => Argument::UnpackKeywords(value),
                    });
                }
                ExprKind::Call {
                    function: self.boxed(&node.func),
                    arguments,
                }
            }
            ast::Expr::BinOp(node) => ExprKind::Binary {
                left: self.boxed(&node.left),
                op: binary_op(node.op),
                right: self.boxed(&node.right),
            },
            ast::Expr::UnaryOp(node) => ExprKind::Unary {
                op: match node.op {
                    ast::UnaryOp::Not => UnaryOp::Not,
                    ast::UnaryOp::USub => UnaryOp::Negate,
                    ast::UnaryOp::UAdd => UnaryOp::Plus,
                    ast::UnaryOp::Invert => UnaryOp::Invert,
                },
                operand: self.boxed(&node.operand),
            },
            ast::Expr::BoolOp(node) => ExprKind::Logical {
                op: match node.op {
                    ast::BoolOp::And => LogicalOp::And,
                    ast::BoolOp::Or => LogicalOp::Or,
                },
                values: self.exprs(&node.values),
            },
            ast::Expr::Compare(node) => ExprKind::Compare {
                left: self.boxed(&node.left),
                comparisons: node
                    .ops
                    .iter()
                    .zip(node.comparators.iter())
                    .map(|(op, right)| (compare_op(*op), self.expr(right)))
                    .collect(),
            },
            ast::Expr::If(node) => ExprKind::Conditional {
                test: self.boxed(&node.test),
                body: self.boxed(&node.body),
                orelse: self.boxed(&node.orelse),
            },
            ast::Expr::Lambda(node) => ExprKind::Lambda(std::rc::Rc::new(FunctionDef {
                name: "<lambda>".to_owned(),
                parameters: node
                    .parameters
                    .as_deref()
                    .map(|parameters| self.parameters(parameters))
                    .unwrap_or_default(),
                body: FunctionBody::Expr(self.boxed(&node.body)),
                span: span_of(expr),
                locals: Vec::new(),
            })),
            ast::Expr::ListComp(node) => ExprKind::Comprehension {
                kind: ComprehensionKind::List,
                element: self.boxed(&node.elt),
                clauses: self.clauses(&node.generators),
            },
            ast::Expr::SetComp(node) => ExprKind::Comprehension {
                kind: ComprehensionKind::Set,
                element: self.boxed(&node.elt),
                clauses: self.clauses(&node.generators),
            },
            ast::Expr::Generator(node) => ExprKind::Comprehension {
                kind: ComprehensionKind::Generator,
                element: self.boxed(&node.elt),
                clauses: self.clauses(&node.generators),
            },
            ast::Expr::DictComp(node) => match &node.key {
                Some(key) => ExprKind::DictComprehension {
                    key: self.boxed(key),
                    value: self.boxed(&node.value),
                    clauses: self.clauses(&node.generators),
                },
                None => {
                    self.unsupported("`**` in a dict comprehension", expr, None);
                    ExprKind::None
                }
            },
            ast::Expr::Starred(node) => ExprKind::Starred(self.boxed(&node.value)),
            ast::Expr::Named(node) => match node.target.as_ref() {
                ast::Expr::Name(name) => ExprKind::Walrus {
                    name: name.id.as_str().to_owned(),
                    value: self.boxed(&node.value),
                },
                _ => ExprKind::None,
            },
            ast::Expr::Await(_) => {
                self.unsupported("`await`", expr, None);
                ExprKind::None
            }
            ast::Expr::Yield(_) | ast::Expr::YieldFrom(_) => {
                self.unsupported(
                    "`yield` (generator functions)",
                    expr,
                    Some("build and return a list, or use tf.data.Dataset"),
                );
                ExprKind::None
            }
            ast::Expr::IpyEscapeCommand(_) => {
                self.unsupported("an IPython escape command", expr, None);
                ExprKind::None
            }
        };
        Expr {
            kind,
            span: span_of(expr),
        }
    }

    fn fstring_elements(
        &mut self,
        elements: &[ast::InterpolatedStringElement],
    ) -> Vec<FStringPart> {
        elements
            .iter()
            .map(|element| match element {
                ast::InterpolatedStringElement::Literal(literal) => {
                    FStringPart::Literal(literal.value.to_string())
                }
                ast::InterpolatedStringElement::Interpolation(interpolation) => {
                    FStringPart::Interpolation {
                        expr: self.expr(&interpolation.expression),
                        debug_text: interpolation.debug_text.as_ref().map(|debug| {
                            format!(
                                "{}{}{}",
                                debug.leading(),
                                debug.expression(),
                                debug.trailing()
                            )
                        }),
                        conversion: match interpolation.conversion {
                            ast::ConversionFlag::None => Conversion::None,
                            ast::ConversionFlag::Str => Conversion::Str,
                            ast::ConversionFlag::Repr => Conversion::Repr,
                            ast::ConversionFlag::Ascii => Conversion::Ascii,
                        },
                        format_spec: interpolation
                            .format_spec
                            .as_deref()
                            .map(|spec| self.fstring_elements(&spec.elements)),
                    }
                }
            })
            .collect()
    }

    fn clauses(&mut self, generators: &[ast::Comprehension]) -> Vec<ComprehensionClause> {
        generators
            .iter()
            .map(|generator| {
                if generator.is_async {
                    self.unsupported("`async for` in a comprehension", generator, None);
                }
                ComprehensionClause {
                    target: self.target(&generator.target),
                    iter: self.expr(&generator.iter),
                    conditions: self.exprs(&generator.ifs),
                }
            })
            .collect()
    }
}

fn import_names(aliases: &[ast::Alias]) -> Vec<ImportName> {
    aliases
        .iter()
        .map(|alias| ImportName {
            name: alias.name.as_str().to_owned(),
            alias: alias.asname.as_ref().map(|name| name.as_str().to_owned()),
            span: span_of(alias),
        })
        .collect()
}

fn binary_op(op: ast::Operator) -> BinaryOp {
    match op {
        ast::Operator::Add => BinaryOp::Add,
        ast::Operator::Sub => BinaryOp::Sub,
        ast::Operator::Mult => BinaryOp::Mul,
        ast::Operator::MatMult => BinaryOp::MatMul,
        ast::Operator::Div => BinaryOp::Div,
        ast::Operator::Mod => BinaryOp::Mod,
        ast::Operator::Pow => BinaryOp::Pow,
        ast::Operator::LShift => BinaryOp::LShift,
        ast::Operator::RShift => BinaryOp::RShift,
        ast::Operator::BitOr => BinaryOp::BitOr,
        ast::Operator::BitXor => BinaryOp::BitXor,
        ast::Operator::BitAnd => BinaryOp::BitAnd,
        ast::Operator::FloorDiv => BinaryOp::FloorDiv,
    }
}

fn compare_op(op: ast::CmpOp) -> CompareOp {
    match op {
        ast::CmpOp::Eq => CompareOp::Eq,
        ast::CmpOp::NotEq => CompareOp::NotEq,
        ast::CmpOp::Lt => CompareOp::Lt,
        ast::CmpOp::LtE => CompareOp::LtE,
        ast::CmpOp::Gt => CompareOp::Gt,
        ast::CmpOp::GtE => CompareOp::GtE,
        ast::CmpOp::Is => CompareOp::Is,
        ast::CmpOp::IsNot => CompareOp::IsNot,
        ast::CmpOp::In => CompareOp::In,
        ast::CmpOp::NotIn => CompareOp::NotIn,
    }
}
