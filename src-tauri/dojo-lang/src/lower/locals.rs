//! Which names a function body binds, as Python decides at compile time.
//!
//! A name assigned anywhere in a function (`x = …`, `x += …`, `for x`,
//! `import x`, `def x`, `except … as x`, `del x`, …) is local to the whole
//! function unless declared `global`; reading it before it is bound raises
//! `UnboundLocalError`. Nested functions, classes and lambdas are their
//! own scopes and are not entered; comprehension variables stay inside
//! their comprehension, but a walrus (`:=`) binds in the function.

use std::collections::BTreeSet;

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, ExprContext};
use ruff_text_size::{Ranged, TextRange, TextSize};

/// What one function body binds and declares.
#[derive(Debug, Default)]
pub struct BodyScan {
    /// Names bound in the body, each with where it is first bound.
    bound: Vec<(String, TextSize)>,
    /// Names read in the body and where.
    loaded: Vec<(String, TextRange)>,
    /// `global` statements: each name and the statement's range.
    globals: Vec<(String, TextRange)>,
    comprehension_depth: usize,
}

impl BodyScan {
    pub fn of(body: &[ast::Stmt]) -> BodyScan {
        let mut scan = BodyScan::default();
        scan.visit_body(body);
        scan
    }

    /// The function's local names: bound and not declared `global`.
    pub fn locals(&self) -> Vec<String> {
        let globals: BTreeSet<&str> = self.globals.iter().map(|(name, _)| name.as_str()).collect();
        let locals: BTreeSet<&str> = self
            .bound
            .iter()
            .map(|(name, _)| name.as_str())
            .filter(|name| !globals.contains(name))
            .collect();
        locals.into_iter().map(str::to_owned).collect()
    }

    /// Python's compile-time errors for a `global` statement that follows a
    /// use of its name: the message and the statement's range.
    pub fn late_globals(&self) -> Vec<(String, TextRange)> {
        let mut errors = Vec::new();
        for (name, statement) in &self.globals {
            let used = self
                .loaded
                .iter()
                .any(|(loaded, range)| loaded == name && range.start() < statement.start());
            let assigned = self
                .bound
                .iter()
                .any(|(bound, start)| bound == name && *start < statement.start());
            if used {
                errors.push((
                    format!("name '{name}' is used prior to global declaration"),
                    *statement,
                ));
            } else if assigned {
                errors.push((
                    format!("name '{name}' is assigned to before global declaration"),
                    *statement,
                ));
            }
        }
        errors
    }

    fn bind(&mut self, name: &str, at: TextSize) {
        self.bound.push((name.to_owned(), at));
    }
}

impl<'a> Visitor<'a> for BodyScan {
    fn visit_stmt(&mut self, stmt: &'a ast::Stmt) {
        match stmt {
            ast::Stmt::FunctionDef(node) => {
                // The body is the nested function's own scope; its
                // decorators and defaults run here.
                for decorator in &node.decorator_list {
                    self.visit_decorator(decorator);
                }
                for parameter in node.parameters.iter_non_variadic_params() {
                    if let Some(default) = parameter.default() {
                        self.visit_expr(default);
                    }
                }
                self.bind(node.name.as_str(), stmt.start());
            }
            ast::Stmt::ClassDef(node) => {
                for decorator in &node.decorator_list {
                    self.visit_decorator(decorator);
                }
                if let Some(arguments) = &node.arguments {
                    self.visit_arguments(arguments);
                }
                self.bind(node.name.as_str(), stmt.start());
            }
            ast::Stmt::Global(node) => {
                for name in &node.names {
                    self.globals.push((name.as_str().to_owned(), stmt.range()));
                }
            }
            ast::Stmt::Import(node) => {
                for alias in &node.names {
                    let bound = match &alias.asname {
                        Some(asname) => asname.as_str(),
                        None => alias.name.as_str().split('.').next().unwrap_or_default(),
                    };
                    self.bind(bound, stmt.start());
                }
            }
            ast::Stmt::ImportFrom(node) => {
                for alias in &node.names {
                    let bound = alias.asname.as_ref().unwrap_or(&alias.name);
                    self.bind(bound.as_str(), stmt.start());
                }
            }
            _ => visitor::walk_stmt(self, stmt),
        }
    }

    fn visit_except_handler(&mut self, handler: &'a ast::ExceptHandler) {
        let ast::ExceptHandler::ExceptHandler(node) = handler;
        if let Some(name) = &node.name {
            self.bind(name.as_str(), handler.start());
        }
        visitor::walk_except_handler(self, handler);
    }

    fn visit_expr(&mut self, expr: &'a ast::Expr) {
        match expr {
            ast::Expr::Name(node) => match node.ctx {
                ExprContext::Load => self.loaded.push((node.id.to_string(), expr.range())),
                ExprContext::Store | ExprContext::Del if self.comprehension_depth == 0 => {
                    self.bind(node.id.as_str(), expr.start());
                }
                _ => {}
            },
            ast::Expr::Named(node) => {
                self.visit_expr(&node.value);
                if let ast::Expr::Name(target) = node.target.as_ref() {
                    self.bind(target.id.as_str(), node.target.start());
                }
            }
            ast::Expr::Lambda(node) => {
                if let Some(parameters) = &node.parameters {
                    for parameter in parameters.iter_non_variadic_params() {
                        if let Some(default) = parameter.default() {
                            self.visit_expr(default);
                        }
                    }
                }
            }
            ast::Expr::ListComp(_)
            | ast::Expr::SetComp(_)
            | ast::Expr::DictComp(_)
            | ast::Expr::Generator(_) => {
                self.comprehension_depth += 1;
                visitor::walk_expr(self, expr);
                self.comprehension_depth -= 1;
            }
            _ => visitor::walk_expr(self, expr),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ruff_python_parser::parse_module;

    fn scan(source: &str) -> BodyScan {
        let parsed = parse_module(source).expect("valid test source");
        BodyScan::of(&parsed.syntax().body)
    }

    #[test]
    fn finds_every_kind_of_binding_but_not_inner_scopes() {
        let body = scan(
            "x = 1\ny += 2\nfor a, *b in c: pass\nimport os.path\nfrom m import n as p\n\
             def f(q=r): z = 1\nclass K: w = 1\ntry: pass\nexcept E as e: pass\n\
             [i for i in range(3)]\n(t := 4)\nlambda u: u\nglobal g\ng = 1\ndel d\n",
        );
        assert_eq!(
            body.locals(),
            ["K", "a", "b", "d", "e", "f", "os", "p", "t", "x", "y"]
        );
        assert!(body.late_globals().is_empty());
    }

    #[test]
    fn a_global_after_a_use_is_an_error() {
        let body = scan("if x < 1:\n    global x\n    x = 2\n");
        assert_eq!(body.locals(), Vec::<String>::new());
        let errors = body.late_globals();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].0, "name 'x' is used prior to global declaration");
        let body = scan("y = 1\nglobal y\n");
        assert_eq!(
            body.late_globals()[0].0,
            "name 'y' is assigned to before global declaration"
        );
    }
}
