//! Python (and notebooks' code cells) through tree-sitter-python: imports and their aliases, string
//! constants, calls and their arguments, comments and docstrings.

use tree_sitter::{Node, Parser};

use super::{Call, Language, Scope, Use, Value, node_text as text, nodes};

/// Scans Python source. `line_offset` is added to every line (0 for a file).
pub(super) fn scan(source: &str, file: &str, line_offset: usize) -> Vec<Use> {
    let mut parser = Parser::new();
    if parser.set_language(&tree_sitter_python::LANGUAGE.into()).is_err() {
        return Vec::new();
    }
    let Some(tree) = parser.parse(source, None) else {
        return Vec::new();
    };
    let all = nodes(tree.root_node());
    let mut scope = Scope::default();
    // imports first, wherever they are
    for node in &all {
        match node.kind() {
            "import_statement" => {
                let mut cursor = node.walk();
                for child in node.named_children(&mut cursor) {
                    match child.kind() {
                        "dotted_name" => {
                            let name = text(child, source);
                            // `import a.b` binds `a`
                            let first = name.split('.').next().unwrap_or(name);
                            scope.aliases.insert(first.to_string(), first.to_string());
                        }
                        "aliased_import" => {
                            if let (Some(name), Some(alias)) = (
                                child.child_by_field_name("name"),
                                child.child_by_field_name("alias"),
                            ) {
                                scope
                                    .aliases
                                    .insert(text(alias, source).to_string(), text(name, source).to_string());
                            }
                        }
                        _ => {}
                    }
                }
            }
            "import_from_statement" => {
                let Some(module) = node.child_by_field_name("module_name") else {
                    continue;
                };
                let module = text(module, source).trim_start_matches('.').to_string();
                let mut cursor = node.walk();
                for name in node.children_by_field_name("name", &mut cursor) {
                    match name.kind() {
                        "dotted_name" => {
                            let n = text(name, source);
                            scope.aliases.insert(n.to_string(), format!("{module}.{n}"));
                        }
                        "aliased_import" => {
                            if let (Some(n), Some(alias)) = (
                                name.child_by_field_name("name"),
                                name.child_by_field_name("alias"),
                            ) {
                                scope.aliases.insert(
                                    text(alias, source).to_string(),
                                    format!("{module}.{}", text(n, source)),
                                );
                            }
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    // constants: assignments and parameter defaults, in file order, evaluated with what is known so far
    for node in &all {
        let (name, value) = match node.kind() {
            "assignment" => (
                node.child_by_field_name("left"),
                node.child_by_field_name("right"),
            ),
            "default_parameter" | "typed_default_parameter" => (
                node.child_by_field_name("name"),
                node.child_by_field_name("value"),
            ),
            _ => continue,
        };
        let (Some(name), Some(value)) = (name, value) else {
            continue;
        };
        if name.kind() != "identifier" {
            continue;
        }
        if value.kind() == "dictionary" {
            let mut cursor = value.walk();
            for pair in value.named_children(&mut cursor) {
                if pair.kind() != "pair" {
                    continue;
                }
                if let (Some(key), Some(item)) =
                    (pair.child_by_field_name("key"), pair.child_by_field_name("value"))
                    && let Value::Str(key) = evaluate(key, source, &scope)
                {
                    let item = evaluate(item, source, &scope);
                    scope.entries.insert((text(name, source).to_string(), key), item);
                }
            }
        }
        let evaluated = evaluate(value, source, &scope);
        if matches!(evaluated, Value::Str(_) | Value::Dynamic(_)) {
            scope
                .constants
                .entry(text(name, source).to_string())
                .or_default()
                .push(evaluated);
        } else {
            // assigned something else too: no longer a constant
            scope
                .constants
                .entry(text(name, source).to_string())
                .or_default()
                .push(Value::Other);
        }
    }
    let mut uses = Vec::new();
    for node in &all {
        match node.kind() {
            "call" => {
                if let Some(call) = call(*node, source, &scope, line_offset)
                    && let Some(found) = super::match_call(&call, Language::Python, file)
                {
                    uses.push(found);
                }
            }
            "comment" => {
                uses.extend(super::mentions(
                    text(*node, source),
                    file,
                    node.start_position().row + 1 + line_offset,
                ));
            }
            "expression_statement" if is_docstring(*node) => {
                uses.extend(super::mentions(
                    text(*node, source),
                    file,
                    node.start_position().row + 1 + line_offset,
                ));
            }
            _ => {}
        }
    }
    uses
}

/// A string alone as the first statement of a module, class or function body.
fn is_docstring(node: Node<'_>) -> bool {
    let only_string =
        node.named_child_count() == 1 && node.named_child(0).is_some_and(|c| c.kind() == "string");
    let first = node.prev_named_sibling().is_none()
        && node
            .parent()
            .is_some_and(|p| matches!(p.kind(), "module" | "block"));
    only_string && first
}

/// The callee's qualified name: a name or attribute chain with its first part through the imports.
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
        "attribute" => {
            let object = node.child_by_field_name("object")?;
            let attribute = node.child_by_field_name("attribute")?;
            let base = match object.kind() {
                // `Class(...).method`, `client().x`: the call's callee stands for the object
                "call" => qualified(object.child_by_field_name("function")?, source, scope)?,
                _ => qualified(object, source, scope)?,
            };
            Some(format!("{base}.{}", text(attribute, source)))
        }
        _ => None,
    }
}

fn call(node: Node<'_>, source: &str, scope: &Scope, line_offset: usize) -> Option<Call> {
    let callee = qualified(node.child_by_field_name("function")?, source, scope)?;
    let arguments = node.child_by_field_name("arguments")?;
    let mut positional = Vec::new();
    let mut keywords = Vec::new();
    let mut truthy = Vec::new();
    let mut cursor = arguments.walk();
    for argument in arguments.named_children(&mut cursor) {
        match argument.kind() {
            "keyword_argument" => {
                let (Some(name), Some(value)) = (
                    argument.child_by_field_name("name"),
                    argument.child_by_field_name("value"),
                ) else {
                    continue;
                };
                let name = text(name, source).to_string();
                if value.kind() == "true" {
                    truthy.push(name.clone());
                }
                keywords.push((name, evaluate(value, source, scope)));
            }
            "comment" => {}
            "list_splat" | "dictionary_splat" => positional.push(Value::Other),
            _ => positional.push(evaluate(argument, source, scope)),
        }
    }
    Some(Call {
        callee,
        positional,
        keywords,
        truthy,
        line: node.start_position().row + 1 + line_offset,
    })
}

/// What an expression evaluates to, as far as the file says.
fn evaluate(node: Node<'_>, source: &str, scope: &Scope) -> Value {
    match node.kind() {
        "string" => string(node, source, scope),
        "concatenated_string" => {
            let mut cursor = node.walk();
            let parts: Vec<Value> = node
                .named_children(&mut cursor)
                .map(|part| evaluate(part, source, scope))
                .collect();
            concat(parts)
        }
        "binary_operator" => {
            let plus = node
                .child_by_field_name("operator")
                .is_some_and(|op| text(op, source) == "+");
            match (
                plus,
                node.child_by_field_name("left"),
                node.child_by_field_name("right"),
            ) {
                (true, Some(left), Some(right)) => concat(vec![
                    evaluate(left, source, scope),
                    evaluate(right, source, scope),
                ]),
                _ => Value::Other,
            }
        }
        "parenthesized_expression" => node
            .named_child(0)
            .map_or(Value::Other, |inner| evaluate(inner, source, scope)),
        // a name the file gives one string is that string; any other name (a parameter, a value computed
        // elsewhere) is known only at run time
        "identifier" => match text(node, source) {
            "None" | "True" | "False" => Value::Other,
            name => scope
                .constant(name)
                .cloned()
                .unwrap_or(Value::Dynamic(String::new())),
        },
        "call" => {
            // os.getenv("X", "default"), os.environ.get("X", "default"): the default, which is what runs
            // unless the environment says otherwise
            let Some(callee) = node
                .child_by_field_name("function")
                .and_then(|f| qualified(f, source, scope))
            else {
                return Value::Other;
            };
            if !matches!(
                callee.as_str(),
                "os.getenv" | "os.environ.get" | "getenv" | "environ.get"
            ) {
                return Value::Other;
            }
            let Some(arguments) = node.child_by_field_name("arguments") else {
                return Value::Other;
            };
            let mut cursor = arguments.walk();
            let args: Vec<Node<'_>> = arguments.named_children(&mut cursor).collect();
            let default = args.get(1).copied().or_else(|| {
                args.iter()
                    .find(|a| {
                        a.kind() == "keyword_argument"
                            && a.child_by_field_name("name")
                                .is_some_and(|n| text(n, source) == "default")
                    })
                    .and_then(|a| a.child_by_field_name("value"))
            });
            match default {
                Some(default) => evaluate(default, source, scope),
                None => Value::Dynamic(String::new()),
            }
        }
        "subscript" => {
            // os.environ["X"]; CONFIG["model"] of a dictionary the file writes out
            let value = node.child_by_field_name("value");
            let environ = value
                .and_then(|v| qualified(v, source, scope))
                .is_some_and(|q| q == "os.environ");
            if environ {
                return Value::Dynamic(String::new());
            }
            let key = node
                .child_by_field_name("subscript")
                .map(|k| evaluate(k, source, scope));
            match (value.filter(|v| v.kind() == "identifier"), key) {
                (Some(name), Some(Value::Str(key))) => scope
                    .entries
                    .get(&(text(name, source).to_string(), key))
                    .cloned()
                    .unwrap_or(Value::Dynamic(String::new())),
                _ => Value::Dynamic(String::new()),
            }
        }
        "attribute" => Value::Dynamic(String::new()),
        // a number in an f-string or a concatenation is its text
        "integer" => Value::Str(text(node, source).replace('_', "")),
        _ => Value::Other,
    }
}

fn concat(parts: Vec<Value>) -> Value {
    let mut known = String::new();
    for part in parts {
        match part {
            Value::Str(s) => known.push_str(&s),
            Value::Dynamic(prefix) => {
                known.push_str(&prefix);
                return Value::Dynamic(known);
            }
            Value::Other => return Value::Dynamic(known),
        }
    }
    Value::Str(known)
}

/// A string literal: its content, with f-string interpolations evaluated when their values are known.
fn string(node: Node<'_>, source: &str, scope: &Scope) -> Value {
    let mut parts = Vec::new();
    let mut cursor = node.walk();
    for child in node.named_children(&mut cursor) {
        match child.kind() {
            "string_content" => parts.push(Value::Str(text(child, source).to_string())),
            "escape_sequence" => parts.push(Value::Str(unescape(text(child, source)))),
            "interpolation" => {
                let value = child
                    .child_by_field_name("expression")
                    .map_or(Value::Other, |e| evaluate(e, source, scope));
                parts.push(match value {
                    Value::Str(s) => Value::Str(s),
                    Value::Dynamic(prefix) => Value::Dynamic(prefix),
                    Value::Other => Value::Dynamic(String::new()),
                });
            }
            _ => {}
        }
    }
    concat(parts)
}

fn unescape(sequence: &str) -> String {
    match sequence {
        "\\n" => "\n".into(),
        "\\t" => "\t".into(),
        "\\\\" => "\\".into(),
        "\\'" => "'".into(),
        "\\\"" => "\"".into(),
        other => other.to_string(),
    }
}

/// A notebook: its code cells in order as one program (so a constant set in one cell reaches the next), with
/// IPython's `!shell` lines read as shell and `%magic` lines left out; lines are those of the code cells.
pub(super) fn notebook(text: &str, file: &str) -> Vec<Use> {
    let Ok(notebook) = serde_json::from_str::<serde_json::Value>(text) else {
        return Vec::new();
    };
    let Some(cells) = notebook.get("cells").and_then(|c| c.as_array()) else {
        return Vec::new();
    };
    let mut code = String::new();
    let mut shell = Vec::new();
    let mut prose = Vec::new();
    let mut line = 0;
    for cell in cells {
        let source = match cell.get("source") {
            Some(serde_json::Value::Array(lines)) => {
                lines.iter().filter_map(|l| l.as_str()).collect::<String>()
            }
            Some(serde_json::Value::String(s)) => s.clone(),
            _ => continue,
        };
        match cell.get("cell_type").and_then(|t| t.as_str()) {
            Some("code") => {
                for text in source.lines() {
                    line += 1;
                    let trimmed = text.trim_start();
                    if let Some(command) = trimmed.strip_prefix('!') {
                        shell.extend(super::config::shell(command, file, line));
                        code.push('\n');
                    } else if trimmed.starts_with('%') {
                        code.push('\n');
                    } else {
                        code.push_str(text);
                        code.push('\n');
                    }
                }
            }
            Some("markdown") => prose.extend(super::mentions(&source, file, line.max(1))),
            _ => {}
        }
    }
    let mut uses = scan(&code, file, 0);
    uses.extend(shell);
    uses.extend(prose);
    uses
}
