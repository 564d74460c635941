//! JavaScript and TypeScript through tree-sitter's grammars: ES imports and `require`, `const` strings and
//! template strings, calls and `new` with their arguments and request objects, comments.

use tree_sitter::{Node, Parser};

use super::{Call, Language, Scope, Use, Value, node_text as text, nodes};

/// Which grammar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Dialect {
    JavaScript,
    TypeScript,
    Tsx,
}

/// A string literal's text without its quotes.
fn literal(node: Node<'_>, source: &str) -> Option<String> {
    (node.kind() == "string").then(|| {
        let raw = text(node, source);
        raw.get(1..raw.len().saturating_sub(1))
            .unwrap_or_default()
            .to_string()
    })
}

pub(super) fn scan(source: &str, file: &str, dialect: Dialect) -> Vec<Use> {
    let mut parser = Parser::new();
    let language = match dialect {
        Dialect::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
        Dialect::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
        Dialect::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
    };
    if parser.set_language(&language).is_err() {
        return Vec::new();
    }
    let Some(tree) = parser.parse(source, None) else {
        return Vec::new();
    };
    let all = nodes(tree.root_node());
    let mut scope = Scope::default();
    for node in &all {
        match node.kind() {
            "import_statement" => {
                let Some(module) = node
                    .child_by_field_name("source")
                    .and_then(|s| literal(s, source))
                else {
                    continue;
                };
                for inner in nodes(*node) {
                    match inner.kind() {
                        // import X from 'm'  → X is the module's default export
                        "import_clause" => {
                            if let Some(first) = inner.named_child(0)
                                && first.kind() == "identifier"
                            {
                                scope
                                    .aliases
                                    .insert(text(first, source).to_string(), format!("{module}.default"));
                            }
                        }
                        "import_specifier" => {
                            let name = inner.child_by_field_name("name").map(|n| text(n, source));
                            let alias = inner.child_by_field_name("alias").map(|n| text(n, source));
                            if let Some(name) = name {
                                scope
                                    .aliases
                                    .insert(alias.unwrap_or(name).to_string(), format!("{module}.{name}"));
                            }
                        }
                        "namespace_import" => {
                            if let Some(name) = inner.named_child(0) {
                                scope
                                    .aliases
                                    .insert(text(name, source).to_string(), module.clone());
                            }
                        }
                        _ => {}
                    }
                }
            }
            "variable_declarator" => {
                let (Some(name), Some(value)) = (
                    node.child_by_field_name("name"),
                    node.child_by_field_name("value"),
                ) else {
                    continue;
                };
                // const { pipeline } = require('m'); const m = require('m')
                let required = (value.kind() == "call_expression"
                    && value
                        .child_by_field_name("function")
                        .is_some_and(|f| text(f, source) == "require"))
                .then(|| {
                    value
                        .child_by_field_name("arguments")
                        .and_then(|a| a.named_child(0))
                        .and_then(|s| literal(s, source))
                })
                .flatten();
                if let Some(module) = required {
                    match name.kind() {
                        "identifier" => {
                            scope.aliases.insert(text(name, source).to_string(), module);
                        }
                        "object_pattern" => {
                            let mut cursor = name.walk();
                            for property in name.named_children(&mut cursor) {
                                match property.kind() {
                                    "shorthand_property_identifier_pattern" => {
                                        let n = text(property, source);
                                        scope.aliases.insert(n.to_string(), format!("{module}.{n}"));
                                    }
                                    "pair_pattern" => {
                                        if let (Some(key), Some(value)) = (
                                            property.child_by_field_name("key"),
                                            property.child_by_field_name("value"),
                                        ) {
                                            scope.aliases.insert(
                                                text(value, source).to_string(),
                                                format!("{module}.{}", text(key, source)),
                                            );
                                        }
                                    }
                                    _ => {}
                                }
                            }
                        }
                        _ => {}
                    }
                    continue;
                }
                if name.kind() == "identifier" {
                    let evaluated = evaluate(value, source, &scope);
                    scope
                        .constants
                        .entry(text(name, source).to_string())
                        .or_default()
                        .push(evaluated);
                }
            }
            _ => {}
        }
    }
    let mut uses = Vec::new();
    for node in &all {
        match node.kind() {
            "call_expression" | "new_expression" => {
                if let Some(call) = call(*node, source, &scope)
                    && let Some(found) = super::match_call(&call, Language::JavaScript, file)
                {
                    uses.push(found);
                }
            }
            "comment" => uses.extend(super::mentions(
                text(*node, source),
                file,
                node.start_position().row + 1,
            )),
            _ => {}
        }
    }
    uses
}

fn qualified(node: Node<'_>, source: &str, scope: &Scope) -> Option<String> {
    match node.kind() {
        "identifier" => {
            let name = text(node, source);
            Some(
                scope
                    .aliases
                    .get(name)
                    .cloned()
                    .unwrap_or_else(|| name.to_string()),
            )
        }
        "member_expression" => {
            let object = node.child_by_field_name("object")?;
            let property = node.child_by_field_name("property")?;
            let base = match object.kind() {
                "call_expression" => qualified(object.child_by_field_name("function")?, source, scope)?,
                "new_expression" => qualified(object.child_by_field_name("constructor")?, source, scope)?,
                "this" => "this".to_string(),
                _ => qualified(object, source, scope)?,
            };
            Some(format!("{base}.{}", text(property, source)))
        }
        "await_expression" | "parenthesized_expression" => qualified(node.named_child(0)?, source, scope),
        _ => None,
    }
}

fn call(node: Node<'_>, source: &str, scope: &Scope) -> Option<Call> {
    let function = node
        .child_by_field_name("function")
        .or_else(|| node.child_by_field_name("constructor"))?;
    let callee = qualified(function, source, scope)?;
    let arguments = node.child_by_field_name("arguments")?;
    let mut positional = Vec::new();
    let mut keywords = Vec::new();
    let mut truthy = Vec::new();
    let mut cursor = arguments.walk();
    for argument in arguments.named_children(&mut cursor) {
        if argument.kind() == "comment" {
            continue;
        }
        if argument.kind() == "object" {
            // a request or options object: its properties are the keywords
            let mut inner = argument.walk();
            for pair in argument.named_children(&mut inner) {
                match pair.kind() {
                    "pair" => {
                        let (Some(key), Some(value)) =
                            (pair.child_by_field_name("key"), pair.child_by_field_name("value"))
                        else {
                            continue;
                        };
                        let key = literal(key, source).unwrap_or_else(|| text(key, source).to_string());
                        if value.kind() == "true" {
                            truthy.push(key.clone());
                        }
                        keywords.push((key, evaluate(value, source, scope)));
                    }
                    "shorthand_property_identifier" => {
                        let key = text(pair, source).to_string();
                        let value = scope
                            .constant(&key)
                            .cloned()
                            .unwrap_or(Value::Dynamic(String::new()));
                        keywords.push((key, value));
                    }
                    _ => {}
                }
            }
            positional.push(Value::Other);
        } else {
            positional.push(evaluate(argument, source, scope));
        }
    }
    Some(Call {
        callee,
        positional,
        keywords,
        truthy,
        line: node.start_position().row + 1,
    })
}

fn evaluate(node: Node<'_>, source: &str, scope: &Scope) -> Value {
    match node.kind() {
        "string" => Value::Str(literal(node, source).unwrap_or_default()),
        "template_string" => {
            let mut known = String::new();
            let mut cursor = node.walk();
            for child in node.named_children(&mut cursor) {
                match child.kind() {
                    "string_fragment" => known.push_str(text(child, source)),
                    "template_substitution" => match child.named_child(0).map(|e| evaluate(e, source, scope))
                    {
                        Some(Value::Str(s)) => known.push_str(&s),
                        Some(Value::Dynamic(prefix)) => {
                            known.push_str(&prefix);
                            return Value::Dynamic(known);
                        }
                        _ => return Value::Dynamic(known),
                    },
                    _ => {}
                }
            }
            Value::Str(known)
        }
        "binary_expression" => {
            let plus = node
                .child_by_field_name("operator")
                .is_some_and(|op| text(op, source) == "+");
            match (
                plus,
                node.child_by_field_name("left"),
                node.child_by_field_name("right"),
            ) {
                (true, Some(left), Some(right)) => {
                    match (evaluate(left, source, scope), evaluate(right, source, scope)) {
                        (Value::Str(a), Value::Str(b)) => Value::Str(a + &b),
                        (Value::Str(a), Value::Dynamic(b)) => Value::Dynamic(a + &b),
                        (Value::Str(a), Value::Other) => Value::Dynamic(a),
                        (Value::Dynamic(a), _) => Value::Dynamic(a),
                        _ => Value::Other,
                    }
                }
                _ => Value::Other,
            }
        }
        "identifier" => {
            let name = text(node, source);
            scope
                .constant(name)
                .cloned()
                .unwrap_or(if scope.constants.contains_key(name) {
                    Value::Dynamic(String::new())
                } else {
                    Value::Other
                })
        }
        "member_expression" => {
            if text(node, source).starts_with("process.env.") {
                Value::Dynamic(String::new())
            } else {
                Value::Other
            }
        }
        "parenthesized_expression" | "as_expression" | "satisfies_expression" => node
            .named_child(0)
            .map_or(Value::Other, |inner| evaluate(inner, source, scope)),
        _ => Value::Other,
    }
    .or_default_of(node, source, scope)
}

trait OrDefault {
    fn or_default_of(self, node: Node<'_>, source: &str, scope: &Scope) -> Value;
}

impl OrDefault for Value {
    /// `process.env.X ?? "d"` and `process.env.X || "d"` are binary expressions whose right side is the
    /// default that runs unless the environment says otherwise.
    fn or_default_of(self, node: Node<'_>, source: &str, scope: &Scope) -> Value {
        if node.kind() != "binary_expression" {
            return self;
        }
        let operator = node.child_by_field_name("operator").map(|op| text(op, source));
        if !matches!(operator, Some("??" | "||")) {
            return self;
        }
        let left_is_env = node
            .child_by_field_name("left")
            .is_some_and(|l| text(l, source).starts_with("process.env."));
        match (left_is_env, node.child_by_field_name("right")) {
            (true, Some(right)) => evaluate(right, source, scope),
            _ => self,
        }
    }
}
