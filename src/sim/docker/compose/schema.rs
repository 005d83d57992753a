//! The Compose file checked against the official Compose JSON schema.
//!
//! compose-go validates the interpolated file against `compose-spec.json` (embedded here as
//! `compose-spec.min.json`: github.com/compose-spec/compose-spec schema/compose-spec.json with
//! its `description` texts and whitespace removed to keep the wasm
//! small; every rule is unchanged) with santhosh-tekuri's
//! jsonschema v6 and reports the most specific error as `<path> <what>`: `services.web additional
//! properties 'imgae' not allowed`, `services.web.ports must be a array` (compose-go
//! schema/schema.go: `object` reads "mapping", several types are sorted and joined with "or"). We walk the same schema with
//! the keywords it uses: `type`, `properties`, `patternProperties`, `additionalProperties`,
//! `items`, `oneOf`/`anyOf`, `$ref`, `enum` and `required`. `format`, `pattern`, `minimum`,
//! `uniqueItems` and friends are not checked (the model's own parsing catches what matters).
//! Each error keeps the YAML node's line and column.

use super::yaml::{Node, Pos, Value};
use serde_json::Value as Json;

const SCHEMA_TEXT: &str = include_str!("compose-spec.min.json");

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct SchemaError {
    /// `services.web.ports` (dot-joined; list items by index).
    pub path: Vec<String>,
    /// `must be a array`, `additional properties 'imgae' not allowed`.
    pub what: String,
    pub pos: Pos,
}

impl SchemaError {
    /// compose-go's line: `services.web.ports must be a array`.
    pub fn message(&self) -> String {
        // compose-go joins the instance location with dots; at the root it is empty, so the
        // line starts with the separating space (`validating f.yaml:  additional properties …`).
        let path = self.path.join(".");
        format!("{path} {}", self.what)
    }
}

/// Validates a whole (interpolated) Compose document.
pub fn validate(doc: &Node) -> Result<(), SchemaError> {
    let schema: Json = serde_json::from_str(SCHEMA_TEXT).unwrap_or(Json::Null);
    check(doc, &schema, &schema, &mut Vec::new())
}

fn resolve<'a>(schema: &'a Json, root: &'a Json) -> &'a Json {
    match schema.get("$ref").and_then(Json::as_str) {
        Some(r) => {
            let name = r.rsplit('/').next().unwrap_or("");
            root.get("definitions")
                .and_then(|d| d.get(name))
                .unwrap_or(&Json::Null)
        }
        None => schema,
    }
}

/// The few regular expressions the schema uses, matched without a regex engine.
fn pattern_matches(pattern: &str, key: &str) -> bool {
    match pattern {
        "^x-" => key.starts_with("x-"),
        "^[a-zA-Z0-9._-]+$" => {
            !key.is_empty()
                && key
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        }
        "^[a-z]+$" => !key.is_empty() && key.chars().all(|c| c.is_ascii_lowercase()),
        "^.+$" | ".+" => !key.is_empty(),
        _ => true,
    }
}

fn type_matches(node: &Node, ty: &str) -> bool {
    match (&node.value, ty) {
        (Value::Null, "null") => true,
        (Value::Bool(_), "boolean") => true,
        (Value::Int(_), "integer" | "number") => true,
        (Value::Float(f), "integer") => f.fract() == 0.0,
        (Value::Float(_), "number") => true,
        (Value::Str(_), "string") => true,
        (Value::Seq(_), "array") => true,
        (Value::Map(_), "object") => true,
        _ => false,
    }
}

/// compose-go schema/schema.go `humanReadableType` (the santhosh-tekuri validator era, compose-go
/// 2.x): only `object` is renamed, to "mapping"; `array` stays "array" (`must be a array`).
fn human_type(ty: &str) -> &str {
    match ty {
        "object" => "mapping",
        other => other,
    }
}

fn error(path: &[String], what: String, pos: Pos) -> SchemaError {
    SchemaError {
        path: path.to_vec(),
        what,
        pos,
    }
}

fn check(
    node: &Node,
    schema: &Json,
    root: &Json,
    path: &mut Vec<String>,
) -> Result<(), SchemaError> {
    let schema = resolve(schema, root);
    if let Some(branches) = schema
        .get("oneOf")
        .or_else(|| schema.get("anyOf"))
        .and_then(Json::as_array)
    {
        let mut best: Option<SchemaError> = None;
        for branch in branches {
            match check(node, branch, root, path) {
                Ok(()) => {
                    best = None;
                    break;
                }
                Err(e) => {
                    if best.as_ref().is_none_or(|b| e.path.len() > b.path.len()) {
                        best = Some(e);
                    }
                }
            }
        }
        if let Some(e) = best {
            return Err(e);
        }
    }
    if let Some(ty) = schema.get("type") {
        let types: Vec<&str> = match ty {
            Json::String(s) => vec![s.as_str()],
            Json::Array(a) => a.iter().filter_map(Json::as_str).collect(),
            _ => Vec::new(),
        };
        if !types.is_empty() && !types.iter().any(|t| type_matches(node, t)) {
            // Several allowed types are sorted by name, as `slices.Sort` does there.
            let mut names: Vec<&str> = types.iter().map(|t| human_type(t)).collect();
            crate::sim::order::sort(&mut names);
            let what = match names.split_last() {
                Some((last, rest)) if !rest.is_empty() => {
                    format!("must be a {} or {last}", rest.join(", "))
                }
                _ => format!("must be a {}", names.join("")),
            };
            return Err(error(path, what, node.pos));
        }
    }
    if let Some(allowed) = schema.get("enum").and_then(Json::as_array) {
        let text = node.scalar_text().unwrap_or_default();
        if !allowed.iter().any(|a| a.as_str() == Some(text.as_str())) {
            let list: Vec<String> = allowed
                .iter()
                .map(|a| format!("'{}'", a.as_str().unwrap_or("")))
                .collect();
            return Err(error(
                path,
                // santhosh-tekuri jsonschema v6 kind.Enum: `value must be one of 'a', 'b'`.
                format!("value must be one of {}", list.join(", ")),
                node.pos,
            ));
        }
    }
    match &node.value {
        Value::Map(entries) => check_map(node, entries, schema, root, path),
        Value::Seq(items) => {
            if let Some(item_schema) = schema.get("items") {
                for (i, item) in items.iter().enumerate() {
                    path.push(i.to_string());
                    let r = check(item, item_schema, root, path);
                    path.pop();
                    r?;
                }
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

fn check_map(
    node: &Node,
    entries: &[(Node, Node)],
    schema: &Json,
    root: &Json,
    path: &mut Vec<String>,
) -> Result<(), SchemaError> {
    let properties = schema.get("properties").and_then(Json::as_object);
    let patterns = schema.get("patternProperties").and_then(Json::as_object);
    let additional = schema.get("additionalProperties");
    let mut unknown = Vec::new();
    let mut first_unknown_pos = None;
    for (key, value) in entries {
        let name = key.as_key();
        let mut sub_schemas: Vec<&Json> = Vec::new();
        if let Some(s) = properties.and_then(|p| p.get(&name)) {
            sub_schemas.push(s);
        }
        if let Some(p) = patterns {
            sub_schemas.extend(
                p.iter()
                    .filter(|(pat, _)| pattern_matches(pat, &name))
                    .map(|(_, s)| s),
            );
        }
        if sub_schemas.is_empty() {
            match additional {
                Some(Json::Bool(false)) => {
                    unknown.push(format!("'{name}'"));
                    first_unknown_pos.get_or_insert(key.pos);
                    continue;
                }
                Some(s @ Json::Object(_)) => sub_schemas.push(s),
                _ => {}
            }
        }
        path.push(name);
        for s in sub_schemas {
            if let Err(e) = check(value, s, root, path) {
                path.pop();
                return Err(e);
            }
        }
        path.pop();
    }
    if !unknown.is_empty() {
        return Err(error(
            path,
            format!("additional properties {} not allowed", unknown.join(", ")),
            first_unknown_pos.unwrap_or(node.pos),
        ));
    }
    if let Some(required) = schema.get("required").and_then(Json::as_array) {
        let missing: Vec<String> = required
            .iter()
            .filter_map(Json::as_str)
            .filter(|r| !entries.iter().any(|(k, _)| k.as_key() == *r))
            .map(|r| format!("'{r}'"))
            .collect();
        if missing.len() == 1 {
            return Err(error(
                path,
                format!("missing property {}", missing[0]),
                node.pos,
            ));
        } else if !missing.is_empty() {
            return Err(error(
                path,
                format!("missing properties {}", missing.join(", ")),
                node.pos,
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::yaml::parse;
    use super::*;

    fn err(text: &str) -> SchemaError {
        validate(&parse(text).unwrap()).unwrap_err()
    }

    #[test]
    fn a_typical_file_is_valid() {
        let doc = parse(
            "services:\n  web:\n    image: nginx\n    ports: ['8080:80', {target: 80, published: 8081}]\n    environment: {A: 1}\n    depends_on:\n      db: {condition: service_healthy}\n  db:\n    image: postgres\n    healthcheck: {test: [CMD, pg_isready], interval: 5s}\nvolumes:\n  data:\nx-common: {a: 1}\n",
        )
        .unwrap();
        assert_eq!(validate(&doc), Ok(()));
    }

    #[test]
    fn an_unknown_key_is_named_with_its_place() {
        let e = err("services:\n  web:\n    imgae: nginx\n");
        assert_eq!(
            e.message(),
            "services.web additional properties 'imgae' not allowed"
        );
        assert_eq!((e.pos.line, e.pos.column), (3, 5));
    }

    #[test]
    fn top_level_unknown_key() {
        assert_eq!(
            err("servics:\n  web: {}\n").message(),
            " additional properties 'servics' not allowed"
        );
    }

    #[test]
    fn wrong_types_read_list_and_mapping() {
        let e = err("services:\n  web:\n    image: nginx\n    ports: '80:80'\n");
        assert_eq!(e.message(), "services.web.ports must be a array");
        assert_eq!(e.pos.line, 4);
        // A bare `environment:` is null: the mapping branch is reported (docker/compose users
        // see `services.mcp.environment must be a mapping`).
        assert_eq!(
            err("services:\n  web:\n    environment:\n").message(),
            "services.web.environment must be a mapping"
        );
        assert_eq!(
            err("services:\n  web:\n    image: [a]\n").message(),
            "services.web.image must be a string"
        );
    }

    #[test]
    fn depends_on_condition_is_an_enum() {
        let e = err("services:\n  web:\n    depends_on:\n      db:\n        condition: healthy\n");
        assert_eq!(
            e.message(),
            "services.web.depends_on.db.condition value must be one of 'service_started', 'service_healthy', 'service_completed_successfully'"
        );
    }
}
